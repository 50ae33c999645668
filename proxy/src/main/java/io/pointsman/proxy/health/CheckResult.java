package io.pointsman.proxy.health;

/**
 * What one check found.
 *
 * @param code       HAProxy's check code
 * @param httpStatus status of an http check's response, 0 when there was none
 * @param info       detail for logs ({@code Connection refused}), may be null
 */
public record CheckResult(CheckCode code, int httpStatus, String info) {

    public static CheckResult of(CheckCode code) {
        return new CheckResult(code, 0, null);
    }

    public static CheckResult of(CheckCode code, String info) {
        return new CheckResult(code, 0, info);
    }

    public static CheckResult http(CheckCode code, int status) {
        return new CheckResult(code, status, null);
    }

    public boolean success() {
        return code.success();
    }

    /** As HAProxy's stats page shows it: {@code L4OK}, {@code L7STS 503}, {@code L7OK 200}. */
    @Override
    public String toString() {
        return httpStatus > 0 ? code + " " + httpStatus : code.toString();
    }
}

package io.pointsman.proxy.statspage;

/** HAProxy's row types; {@link #code()} is the CSV {@code type} column. */
public enum RowType {
    FRONTEND(0), BACKEND(1), SERVER(2);

    private final int code;

    RowType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}

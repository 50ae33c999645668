package io.pointsman.proxy.config;

/** Basic-auth credentials of the stats page. {@code toString} never shows the password. */
public record StatsAuth(String user, String password) {
    @Override
    public String toString() {
        return "StatsAuth[user=" + user + ", password=<redacted>]";
    }
}

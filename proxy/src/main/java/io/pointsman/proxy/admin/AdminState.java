package io.pointsman.proxy.admin;

import java.util.Locale;

/** A server's administrative state, as HAProxy's {@code set server <b>/<s> state}. */
public enum AdminState {
    /** Normal: takes traffic when its health allows. */
    READY,
    /** No new connections or requests; those it has finish. Health checks go on. */
    DRAIN,
    /** No traffic at all (the stats page says MAINT); connections it has are left to finish, as HAProxy does. */
    MAINT;

    /** {@code ready}, {@code drain}, {@code maint}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static AdminState parse(String text) {
        if (text != null) {
            for (AdminState s : values()) {
                if (s.text().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("state must be ready, drain or maint, not '" + text + "'");
    }
}

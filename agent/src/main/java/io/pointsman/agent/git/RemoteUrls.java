package io.pointsman.agent.git;

import java.util.regex.Pattern;

/** Makes remote URLs safe to show: credentials in the userinfo part never reach status or logs. */
public final class RemoteUrls {
    // scheme://userinfo@rest — userinfo may hold "user:token"; keep the scheme and everything after '@'.
    private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");

    private static final Pattern ANY_USERINFO = Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@");
    private static final Pattern USERINFO_PARTS = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://([^/@]*)@");

    private RemoteUrls() {}

    /**
     * {@code https://user:tok@host/x} → {@code https://host/x}. An ssh user name
     * ({@code ssh://git@host/x}) is no secret but goes too: one simple rule is easier to trust.
     * scp-like {@code git@host:x} is kept (it holds no password).
     */
    public static String strip(String url) {
        if (url == null) {
            return null;
        }
        return USERINFO.matcher(url).replaceFirst("$1");
    }

    /**
     * Removes credentials from a free text, e.g. an exception message: the userinfo of every URL
     * in it, and the password of {@code url} wherever it appears.
     */
    public static String scrub(String text, String url) {
        if (text == null) {
            return null;
        }
        String out = ANY_USERINFO.matcher(text).replaceAll("$1");
        if (url != null) {
            var m = USERINFO_PARTS.matcher(url);
            if (m.find()) {
                String userinfo = m.group(1);
                int colon = userinfo.indexOf(':');
                if (colon >= 0 && colon + 1 < userinfo.length()) {
                    out = out.replace(userinfo.substring(colon + 1), "<redacted>");
                }
            }
        }
        return out;
    }
}

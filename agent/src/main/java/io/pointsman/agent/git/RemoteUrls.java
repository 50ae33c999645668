package io.pointsman.agent.git;

import java.util.regex.Pattern;

/** Makes remote URLs safe to show: credentials in the userinfo part never reach status or logs. */
public final class RemoteUrls {
    // scheme://userinfo@rest — userinfo may hold "user:token"; keep the scheme and everything after '@'.
    private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");

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

    /** Removes every occurrence of a URL's credentials from a free text, e.g. an exception message. */
    public static String scrub(String text, String url) {
        if (text == null || url == null) {
            return text;
        }
        String out = text.replace(url, strip(url));
        var m = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://([^/@]*)@").matcher(url);
        if (m.find() && !m.group(1).isEmpty()) {
            String userinfo = m.group(1);
            out = out.replace(userinfo + "@", "");
            int colon = userinfo.indexOf(':');
            if (colon >= 0 && colon + 1 < userinfo.length()) {
                out = out.replace(userinfo.substring(colon + 1), "<redacted>");
            }
        }
        return out;
    }
}

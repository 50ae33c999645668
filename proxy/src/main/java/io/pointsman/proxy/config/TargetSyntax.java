package io.pointsman.proxy.config;

/**
 * What a rule may make of a request target's parts, so that the request it writes is one
 * the proxy's own parser accepts (visible ASCII, RFC 9112 §3.2): a path starts with '/'
 * and holds no '?' (that would move the query) or '#'; a query holds no '#'. Used when
 * the config is read (constant values) and when a rule runs (values with variables).
 */
public final class TargetSyntax {
    private TargetSyntax() {}

    public static boolean isPath(CharSequence s) {
        if (s.length() == 0 || s.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '?' || c == '#') {
                return false;
            }
        }
        return true;
    }

    public static boolean isQuery(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '#') {
                return false;
            }
        }
        return true;
    }
}

package io.pointsman.proxy.config.load;

/** YAML paths as shown in errors: {@code frontends[1].use_backend[0].backend}. */
final class Paths {
    private Paths() {}

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** Whether {@code path} is {@code ancestor} or lies under it. */
    static boolean within(String path, String ancestor) {
        if (ancestor.isEmpty() || path.equals(ancestor)) {
            return true;
        }
        return path.startsWith(ancestor) && (path.charAt(ancestor.length()) == '.' || path.charAt(ancestor.length()) == '[');
    }
}

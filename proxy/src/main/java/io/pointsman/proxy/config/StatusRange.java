package io.pointsman.proxy.config;

import java.util.ArrayList;
import java.util.List;

/** HTTP status codes: {@code 200}, {@code 200-399}, or a comma-separated mix ({@code 200,301-302}). */
public record StatusRange(List<int[]> ranges, String text) {

    public static StatusRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty status range");
        }
        List<int[]> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            String[] ends = p.split("-", -1);
            if (ends.length > 2) {
                throw new IllegalArgumentException("bad status range '" + text + "' (expected 200, 200-399 or 200,301-302)");
            }
            int from = status(ends[0], text);
            int to = ends.length == 2 ? status(ends[1], text) : from;
            if (to < from) {
                throw new IllegalArgumentException("bad status range '" + text + "': " + from + " > " + to);
            }
            ranges.add(new int[] {from, to});
        }
        return new StatusRange(List.copyOf(ranges), text.trim());
    }

    private static int status(String s, String text) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v < 100 || v > 599) {
                throw new IllegalArgumentException("bad status range '" + text + "': " + v + " is not an HTTP status (100-599)");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad status range '" + text + "' (expected 200, 200-399 or 200,301-302)");
        }
    }

    public boolean contains(int status) {
        for (int[] r : ranges) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusRange s && s.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}

package io.pointsman.proxy.http.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What rules did to a head's header lines, applied when the head is written
 * ({@link RequestHead#writeForServer(io.netty.buffer.ByteBuf, RequestEdits, String, String, boolean, String, String)},
 * {@link ResponseHead#writeForClient(io.netty.buffer.ByteBuf, ResponseHead.ConnectionHeader, boolean, HeaderEdits)}):
 * each received line is kept, dropped or given a new value in place; added lines follow
 * the received ones, in the order they were added. Reading through it
 * ({@link #values}) shows the head as the rules left it, so a later rule or acl sees an
 * earlier rule's work, as in HAProxy.
 *
 * <p>Names given to it are lower case (rules lower them once, when compiled). Values are
 * written as given: the caller checks them first (no CR, LF, NUL: see
 * {@link #isValidValue}). Not thread-safe; one per exchange, {@link #reset} for the next.
 */
public final class HeaderEdits {
    private static final byte KEPT = 0;
    private static final byte DROPPED = 1;
    private static final byte REPLACED = 2;

    private HeaderLines lines;
    private byte[] state = new byte[16];
    private String[] replaced = new String[16];
    /** Added lines: name as written, lower-case name, value; null slots were deleted. */
    private final List<String[]> added = new ArrayList<>(4);
    private boolean changed;

    public HeaderEdits() {
    }

    /** Forgets every edit; the edits now apply to this response head (for {@code http_response} rules). */
    public HeaderEdits reset(ResponseHead head) {
        reset(head.lines());
        return this;
    }

    /** Forgets every edit; the edits now apply to {@code lines}. */
    void reset(HeaderLines lines) {
        this.lines = lines;
        int n = lines == null ? 0 : lines.lineCount();
        if (state.length < n) {
            state = new byte[Math.max(n, state.length * 2)];
            replaced = new String[state.length];
        } else {
            java.util.Arrays.fill(state, KEPT);
            java.util.Arrays.fill(replaced, null);
        }
        added.clear();
        changed = false;
    }

    /** No line was dropped, changed or added. */
    public boolean isEmpty() {
        return !changed;
    }

    /** Current values of {@code lowerName}: received lines still there (with new values), then added ones. */
    public List<String> values(String lowerName) {
        List<String> out = null;
        int n = lines.lineCount();
        for (int i = 0; i < n; i++) {
            if (state[i] != DROPPED && lines.nameIs(i, lowerName)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(state[i] == REPLACED ? replaced[i] : lines.lineValue(i));
            }
        }
        for (String[] a : added) {
            if (a != null && a[1].equals(lowerName)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(a[2]);
            }
        }
        return out == null ? List.of() : out;
    }

    /** Whether some line of {@code lowerName} is there now. */
    public boolean has(String lowerName) {
        int n = lines.lineCount();
        for (int i = 0; i < n; i++) {
            if (state[i] != DROPPED && lines.nameIs(i, lowerName)) {
                return true;
            }
        }
        for (String[] a : added) {
            if (a != null && a[1].equals(lowerName)) {
                return true;
            }
        }
        return false;
    }

    /** Removes every line of {@code lowerName} ({@code del_header}). */
    public void delete(String lowerName) {
        int n = lines.lineCount();
        for (int i = 0; i < n; i++) {
            if (state[i] != DROPPED && lines.nameIs(i, lowerName)) {
                state[i] = DROPPED;
                replaced[i] = null;
                changed = true;
            }
        }
        for (int i = 0; i < added.size(); i++) {
            String[] a = added.get(i);
            if (a != null && a[1].equals(lowerName)) {
                added.set(i, null);
                changed = true;
            }
        }
    }

    /** Adds a line ({@code add_header}); {@code name} as it is to be written. */
    public void add(String name, String value) {
        added.add(new String[] {name, name.toLowerCase(Locale.ROOT), value});
        changed = true;
    }

    /** {@code set_header}: every line of the name removed, then one added. */
    public void set(String name, String value) {
        delete(name.toLowerCase(Locale.ROOT));
        add(name, value);
    }

    /** Changes a value in place ({@code replace_header}). */
    public interface Rewrite {
        /** The new value, or null to keep {@code value} as it is. */
        String apply(String value);
    }

    /** {@code replace_header}: each current value of {@code lowerName} that {@code rewrite} changes, in place. */
    public void replace(String lowerName, Rewrite rewrite) {
        int n = lines.lineCount();
        for (int i = 0; i < n; i++) {
            if (state[i] != DROPPED && lines.nameIs(i, lowerName)) {
                String now = state[i] == REPLACED ? replaced[i] : lines.lineValue(i);
                String next = rewrite.apply(now);
                if (next != null) {
                    state[i] = REPLACED;
                    replaced[i] = next;
                    changed = true;
                }
            }
        }
        for (String[] a : added) {
            if (a != null && a[1].equals(lowerName)) {
                String next = rewrite.apply(a[2]);
                if (next != null) {
                    a[2] = next;
                    changed = true;
                }
            }
        }
    }

    // ---- for the writers

    boolean dropped(int line) {
        return state[line] == DROPPED;
    }

    /** The new value of a received line, or null when it is kept or dropped. */
    String replacedValue(int line) {
        return state[line] == REPLACED ? replaced[line] : null;
    }

    /** Whether received line {@code line} is kept byte for byte. */
    boolean kept(int line) {
        return state[line] == KEPT;
    }

    /** Added lines still there: {name, lowerName, value}. */
    List<String[]> addedLines() {
        List<String[]> out = new ArrayList<>(added.size());
        for (String[] a : added) {
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** Whether {@code host} is a Host value the proxy's parser accepts ({@code host[:port]}, RFC 3986). */
    public static boolean isValidHost(String host) {
        byte[] b = new byte[host.length()];
        for (int i = 0; i < b.length; i++) {
            char c = host.charAt(i);
            if (c > 0x7f) {
                return false;
            }
            b[i] = (byte) c;
        }
        return RequestSyntax.isHost(b, 0, b.length);
    }

    /**
     * Whether {@code value} may go on a header line: visible ASCII, space, tab and
     * obs-text only (what the proxy's own parser accepts); never CR, LF or NUL, which
     * would split or cut the line.
     */
    public static boolean isValidValue(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || !RequestSyntax.VALUE[c]) {
                return false;
            }
        }
        return true;
    }
}

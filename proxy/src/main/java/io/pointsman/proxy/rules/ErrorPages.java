package io.pointsman.proxy.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pages the proxy answers with itself, per status: HAProxy's wording by default, or
 * the section's {@code errorfiles} (a whole HTTP response per file, as HAProxy's
 * {@code errorfile}). Used for {@code deny}, the 401 of {@code auth}, a rule that could not
 * be applied, and — by the connection handler — its own 400, 408, 500, 502, 503 and 504.
 * Not for {@code return} or redirects, which say exactly what they send.
 *
 * <p>An error file is read when the config is applied ({@link #load}), off the event
 * loop: its status line must be {@code HTTP/1.x NNN reason}, its header lines
 * {@code Name: value}, then an empty line and the body. Its Content-Length,
 * Transfer-Encoding and Connection lines are dropped (the proxy frames the answer and
 * says whether it keeps the connection); the rest is sent as written. Immutable.
 */
public final class ErrorPages {
    /** At most this many bytes per file (HAProxy: one buffer). */
    static final int MAX_FILE = 64 * 1024;

    private static final Map<Integer, String[]> TEXTS = Map.ofEntries(
            Map.entry(200, new String[] {"OK", "Service ready."}),
            Map.entry(400, new String[] {"Bad request", "Your browser sent an invalid request."}),
            Map.entry(401, new String[] {"Unauthorized", "You need a valid user and password to access this content."}),
            Map.entry(403, new String[] {"Forbidden", "Request forbidden by administrative rules."}),
            Map.entry(404, new String[] {"Not Found", "The resource could not be found."}),
            Map.entry(405, new String[] {"Method Not Allowed", "A request was made of a resource using a request method not supported by that resource"}),
            Map.entry(407, new String[] {"Unauthorized", "You need a valid user and password to access this content."}),
            Map.entry(408, new String[] {"Request Time-out", "Your browser didn't send a complete request in time."}),
            Map.entry(410, new String[] {"Gone", "The resource is no longer available and will not be available again."}),
            Map.entry(413, new String[] {"Payload Too Large", "The request entity exceeds the maximum allowed."}),
            Map.entry(425, new String[] {"Too Early", "Your browser sent early data."}),
            Map.entry(429, new String[] {"Too Many Requests", "You have sent too many requests in a given amount of time."}),
            Map.entry(500, new String[] {"Internal Server Error", "An internal server error occurred."}),
            Map.entry(501, new String[] {"Not Implemented", "The server does not support the functionality required to fulfill the request."}),
            Map.entry(502, new String[] {"Bad Gateway", "The server returned an invalid or incomplete response."}),
            Map.entry(503, new String[] {"Service Unavailable", "No server is available to handle this request."}),
            Map.entry(504, new String[] {"Gateway Time-out", "The server didn't respond in time."}));

    /** HAProxy's own pages, no error files. */
    public static final ErrorPages DEFAULT = new ErrorPages(Map.of());

    private final Map<Integer, Answer> files;

    private ErrorPages(Map<Integer, Answer> files) {
        this.files = Map.copyOf(files);
    }

    /** An error file that cannot be served; the apply fails with this message. */
    public static final class ErrorFileException extends Exception {
        public ErrorFileException(String message) {
            super(message);
        }
    }

    /**
     * Reads a section's error files (blocking: call it off the event loop, at apply time).
     *
     * @param files status → path, as validated
     * @param cache files already read in this apply, by path (shared between sections)
     * @throws ErrorFileException naming the file, when one is missing, too large or not an HTTP response
     */
    public static ErrorPages load(Map<Integer, String> files, Map<String, Answer> cache) throws ErrorFileException {
        if (files.isEmpty()) {
            return DEFAULT;
        }
        Map<Integer, Answer> out = new TreeMap<>();
        for (Map.Entry<Integer, String> e : files.entrySet()) {
            Answer a = cache.get(e.getValue());
            if (a == null) {
                a = read(Path.of(e.getValue()));
                cache.put(e.getValue(), a);
            }
            out.put(e.getKey(), a);
        }
        return new ErrorPages(out);
    }

    /** {@link #load} with a cache of its own. */
    public static ErrorPages load(Map<Integer, String> files) throws ErrorFileException {
        return load(files, new HashMap<>());
    }

    private static Answer read(Path file) throws ErrorFileException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new ErrorFileException("errorfile " + file + ": larger than " + MAX_FILE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ErrorFileException("errorfile " + file + ": cannot read it (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new ErrorFileException("errorfile " + file + ": " + e.getMessage());
        }
    }

    /** A whole HTTP response as an {@link Answer}; lines may end in CRLF or LF. */
    static Answer parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int i = 0;
        int lineEnd = text.indexOf('\n');
        if (lineEnd < 0) {
            throw new IllegalArgumentException("not an HTTP response (no status line)");
        }
        String status = strip(text.substring(0, lineEnd));
        if (!status.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( [\\x20-\\x7e\\t]*)?")) {
            throw new IllegalArgumentException("not an HTTP response: the first line is '" + printable(status)
                    + "' (expected e.g. 'HTTP/1.1 503 Service Unavailable')");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        String reason = status.length() > 13 ? status.substring(13) : "";
        List<String[]> headers = new ArrayList<>();
        i = lineEnd + 1;
        while (true) {
            int end = text.indexOf('\n', i);
            if (end < 0) {
                throw new IllegalArgumentException("the head does not end with an empty line");
            }
            String line = strip(text.substring(i, end));
            i = end + 1;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException("bad header line '" + printable(line) + "'");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (!io.pointsman.proxy.http.wire.HeaderEdits.isValidValue(value)) {
                throw new IllegalArgumentException("control characters in header '" + name + "'");
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!lower.equals("content-length") && !lower.equals("transfer-encoding") && !lower.equals("connection")) {
                headers.add(new String[] {name, value});
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, i, bytes.length);
        return new Answer(code, reason, headers, body);
    }

    private static String strip(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 80); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out.toString();
    }

    /** The page for {@code status}: its error file, else HAProxy's page (else a plain one for an unusual status). */
    public Answer page(int status) {
        Answer a = files.get(status);
        return a != null ? a : builtIn(status);
    }

    /** Whether this status has an error file here. */
    public boolean hasFile(int status) {
        return files.containsKey(status);
    }

    /** This section's pages, falling back to {@code outer}'s files (a backend's over its frontend's). */
    public ErrorPages over(ErrorPages outer) {
        if (outer == null || outer.files.isEmpty()) {
            return this;
        }
        Map<Integer, Answer> all = new HashMap<>(outer.files);
        all.putAll(files);
        return new ErrorPages(all);
    }

    private static final Map<Integer, Answer> BUILT_IN = new HashMap<>();

    static {
        for (Map.Entry<Integer, String[]> e : TEXTS.entrySet()) {
            BUILT_IN.put(e.getKey(), htmlPage(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
    }

    private static Answer builtIn(int status) {
        Answer a = BUILT_IN.get(status);
        return a != null ? a : htmlPage(status, "Error", "");
    }

    private static Answer htmlPage(int status, String reason, String text) {
        byte[] body = ("<html><body><h1>" + status + " " + reason + "</h1>\n" + text + "\n</body></html>\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new Answer(status, reason, List.of(new String[] {"Cache-Control", "no-cache"},
                new String[] {"Content-Type", "text/html"}), body);
    }

    /** The standard reason phrase of a status (HAProxy's), or "Unknown". */
    static String reason(int status) {
        String[] t = TEXTS.get(status);
        if (t != null) {
            return t[0];
        }
        return switch (status) {
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 409 -> "Conflict";
            case 418 -> "I'm a teapot";
            case 451 -> "Unavailable For Legal Reasons";
            default -> "Unknown";
        };
    }
}

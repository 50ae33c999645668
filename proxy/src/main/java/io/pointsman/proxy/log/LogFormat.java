package io.pointsman.proxy.log;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A compiled log format: {@code httplog}, {@code tcplog}, {@code json}, or a custom string
 * of HAProxy's {@code %}-variables ({@code log-format}). Compiled once per generation
 * ({@link #compile}, which refuses unknown variables and flags); {@link #write} then
 * appends a line without parsing or allocating.
 *
 * <p>As in HAProxy, a run of spaces is a separator: it is written once, and only after
 * something else was, so a variable with nothing to show ({@code %hr} without captures)
 * leaves no double space. {@code %%} is a percent sign. The variables ({@link Var}) are a
 * documented subset of HAProxy's, plus the sample-fetch forms {@code %[generation]} and
 * {@code %[revision]}.
 *
 * <p>Flags, as HAProxy's: {@code %{+Q}X} quotes a text (not a number), {@code +E} escapes
 * {@code "}, {@code \} and {@code ]} with a backslash (RFC 5424 structured data),
 * {@code +X} writes addresses, ports, {@code %Ts}, {@code %ms} and {@code %pid} in
 * hexadecimal, {@code +json} writes the value as JSON; {@code -F} takes a flag off.
 * {@code %{…}o} sets flags for every item after it; {@code %{+json}o} makes the whole line
 * one JSON object of the named items ({@code %(name)X}), text and unnamed items left out
 * (HAProxy 3's encoding). Flags are resolved here, once: a line with none costs one test
 * per item.
 */
public final class LogFormat {
    /** Today's access line, HAProxy's {@code option httplog} plus the generation and commit. */
    public static final String HTTPLOG = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %ts "
            + "gen=%[generation](%[revision]) %hr %hs %{+Q}r";
    /** HAProxy's {@code option tcplog}, plus the generation and commit. */
    public static final String TCPLOG = "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq "
            + "gen=%[generation](%[revision])";

    /** How a variable's value is written, which decides what each flag does to it. */
    enum Kind {
        /** A text: {@code +Q} quotes it, {@code +E} escapes it, JSON as a string. */
        TEXT,
        /** A sample fetch's number: quoted by {@code +Q} like any sample, JSON as a number. */
        SAMPLE_NUMBER,
        /** An IP address: {@code +X} in hex, else as a text. */
        IP,
        /** A port: {@code +X} as 4 hex digits; never quoted; JSON as a number. */
        PORT,
        /** A number: never quoted; JSON as a number. */
        NUMBER,
        /** A number {@code +X} writes in hex ({@code %Ts}, {@code %ms}, {@code %pid}); never quoted. */
        HEX_NUMBER,
        /** A date or the termination state: written as is, never quoted; JSON as a string. */
        RAW,
        /** Captured headers as a list: {@code +Q} quotes each one. */
        LIST
    }

    /** The variables, by the name written after {@code %} (or inside {@code %[…]}). */
    public enum Var {
        CLIENT_IP("ci", Kind.IP, "client address"),
        CLIENT_PORT("cp", Kind.PORT, "client port"),
        FRONTEND_IP("fi", Kind.IP, "the address the client connected to (with accept_proxy: the PROXY header's)"),
        FRONTEND_PORT("fp", Kind.PORT, "the port the client connected to (with accept_proxy: the PROXY header's)"),
        DATE("t", Kind.RAW, "accept date, dd/MMM/yyyy:HH:mm:ss.SSS (UTC)"),
        REQUEST_DATE("tr", Kind.RAW, "request date, dd/MMM/yyyy:HH:mm:ss.SSS (UTC)"),
        DATE_GMT("T", Kind.RAW, "accept date, dd/MMM/yyyy:HH:mm:ss +0000"),
        TIMESTAMP("Ts", Kind.HEX_NUMBER, "accept date, seconds since the epoch"),
        ACCEPT_MS("ms", Kind.HEX_NUMBER, "accept date, milliseconds part"),
        FRONTEND("f", Kind.TEXT, "frontend name"),
        FRONTEND_T("ft", Kind.TEXT, "frontend name"),
        BACKEND("b", Kind.TEXT, "backend name"),
        SERVER("s", Kind.TEXT, "server name"),
        SERVER_IP("si", Kind.IP, "server address"),
        SERVER_PORT("sp", Kind.PORT, "server port"),
        T_REQUEST("TR", Kind.NUMBER, "ms to receive the request head (0: heads are read whole)"),
        T_REQUEST_OLD("Tq", Kind.NUMBER, "same as %TR"),
        T_HANDSHAKE("Th", Kind.NUMBER, "ms of handshake (0)"),
        T_IDLE("Ti", Kind.NUMBER, "ms idle before the request (0)"),
        T_QUEUE("Tw", Kind.NUMBER, "ms waiting in the queue"),
        T_CONNECT("Tc", Kind.NUMBER, "ms to connect to the server, -1 when none"),
        T_RESPONSE("Tr", Kind.NUMBER, "ms until the server's response head, -1 when none"),
        T_ACTIVE("Ta", Kind.NUMBER, "ms from request to end"),
        T_TOTAL("Tt", Kind.NUMBER, "ms from accept to end"),
        T_DATA("Td", Kind.NUMBER, "ms of data transfer (Tt - Tq - Tw - Tc - Tr)"),
        STATUS("ST", Kind.NUMBER, "HTTP status, -1 when none"),
        BYTES_READ("B", Kind.NUMBER, "bytes sent to the client"),
        BYTES_UPLOADED("U", Kind.NUMBER, "bytes received from the client"),
        TERMINATION("ts", Kind.RAW, "termination state, two characters"),
        TERMINATION_COOKIE("tsc", Kind.RAW, "termination state with cookie flags (always --)"),
        RETRIES("rc", Kind.NUMBER, "connect retries"),
        ACTCONN("ac", Kind.NUMBER, "connections open on the process"),
        FECONN("fc", Kind.NUMBER, "connections open on the frontend"),
        BECONN("bc", Kind.NUMBER, "connections open to the backend"),
        SRVCONN("sc", Kind.NUMBER, "connections open to the server"),
        SERVER_QUEUE("sq", Kind.NUMBER, "requests queued before this one on the server (0)"),
        BACKEND_QUEUE("bq", Kind.NUMBER, "requests queued before this one on the backend (0)"),
        REQUEST_LINE("r", Kind.TEXT, "request line"),
        METHOD("HM", Kind.TEXT, "HTTP method"),
        URI("HU", Kind.TEXT, "request target"),
        PATH("HP", Kind.TEXT, "path of the request target"),
        QUERY("HQ", Kind.TEXT, "query of the request target, with its '?'"),
        VERSION("HV", Kind.TEXT, "HTTP version"),
        CAPTURED_REQUEST("hr", Kind.TEXT, "captured request headers, {a|b}"),
        CAPTURED_RESPONSE("hs", Kind.TEXT, "captured response headers, {a|b}"),
        CAPTURED_REQUEST_LIST("hrl", Kind.LIST, "captured request headers, space separated"),
        CAPTURED_RESPONSE_LIST("hsl", Kind.LIST, "captured response headers, space separated"),
        COOKIE_CLIENT("CC", Kind.TEXT, "captured request cookie (-)"),
        COOKIE_SERVER("CS", Kind.TEXT, "captured response cookie (-)"),
        HOSTNAME("H", Kind.TEXT, "this node's host name"),
        PID("pid", Kind.HEX_NUMBER, "process id"),
        GENERATION("[generation]", Kind.SAMPLE_NUMBER, "the generation number"),
        REVISION("[revision]", Kind.TEXT, "the config commit, 7 characters"),
        SAMPLE_SRC("[src]", Kind.TEXT, "client address"),
        SAMPLE_SRC_PORT("[src_port]", Kind.SAMPLE_NUMBER, "client port"),
        SAMPLE_FE_NAME("[fe_name]", Kind.TEXT, "frontend name"),
        SAMPLE_BE_NAME("[be_name]", Kind.TEXT, "backend name"),
        SAMPLE_SRV_NAME("[srv_name]", Kind.TEXT, "server name"),
        SAMPLE_METHOD("[method]", Kind.TEXT, "HTTP method"),
        SAMPLE_PATH("[path]", Kind.TEXT, "path of the request target");

        private final String token;
        private final Kind kind;
        private final String help;

        Var(String token, Kind kind, String help) {
            this.token = token;
            this.kind = kind;
            this.help = help;
        }

        public String token() {
            return token;
        }

        public String help() {
            return help;
        }
    }

    private static final Map<String, Var> BY_TOKEN = new LinkedHashMap<>();
    private static final long PID_VALUE = ProcessHandle.current().pid();

    static {
        for (Var v : Var.values()) {
            BY_TOKEN.put(v.token, v);
        }
    }

    private static final Object SEPARATOR = new Object();

    /** {@code +Q}: quote a text. */
    static final int QUOTE = 1;
    /** {@code +X}: hexadecimal addresses, ports and some numbers. */
    static final int HEX = 2;
    /** {@code +E}: escape {@code "}, {@code \} and {@code ]} with a backslash. */
    static final int ESCAPE = 4;
    /** {@code +json}: the value as JSON. */
    static final int JSON = 8;

    /** One item: its variable, its flags (0 = as is) and, for a JSON line, its name (null = left out). */
    private record Variable(Var var, int flags, String name, byte[] jsonKey) {
    }

    private final String text;
    private final boolean json;
    /** {@code %{+json}o}: the line is one JSON object of the named items. */
    private final boolean jsonLine;
    /** byte[] literal, {@link #SEPARATOR} or {@link Variable}. */
    private final Object[] parts;

    private LogFormat(String text, boolean json, Object[] parts) {
        this.text = text;
        this.json = json;
        this.parts = parts;
        boolean encoded = false;
        for (Object p : parts) {
            encoded |= p instanceof Options o && (o.flags & JSON) != 0;
        }
        this.jsonLine = encoded;
    }

    /** {@code %o}: flags for the items after it; with {@code +json}, the line's encoding. Writes nothing. */
    private record Options(int flags) {
    }

    /** What {@code log_format} said ({@code httplog}, {@code tcplog}, {@code json} or the string). */
    public String text() {
        return text;
    }

    /**
     * @param text {@code httplog}, {@code tcplog}, {@code json} or a custom format
     * @throws IllegalArgumentException naming the first unknown variable or bad option
     */
    public static LogFormat compile(String text) {
        return switch (text) {
            case "httplog" -> new LogFormat(text, false, parse(HTTPLOG));
            case "tcplog" -> new LogFormat(text, false, parse(TCPLOG));
            case "json" -> new LogFormat(text, true, new Object[0]);
            default -> new LogFormat(text, false, parse(text));
        };
    }

    private static Object[] parse(String s) {
        List<Object> out = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int defaults = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ') {
                flush(literal, out);
                while (i < s.length() && s.charAt(i) == ' ') {
                    i++;
                }
                out.add(SEPARATOR);
                continue;
            }
            if (c != '%') {
                if (c < 0x20 || c == 0x7f) {
                    throw new IllegalArgumentException("control character at position " + (i + 1)
                            + " of the log format");
                }
                literal.append(c);
                i++;
                continue;
            }
            int at = i;
            i++;
            if (i < s.length() && s.charAt(i) == '%') {
                literal.append('%');
                i++;
                continue;
            }
            String name = null;
            if (i < s.length() && s.charAt(i) == '(') {
                int close = s.indexOf(')', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '(' after '%' at position " + (at + 1));
                }
                name = s.substring(i + 1, close);
                if (name.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("item types such as '%(" + name + ")' at position " + (at + 1)
                            + " are not supported (write the name alone)");
                }
                if (name.isEmpty() || name.indexOf('"') >= 0 || name.indexOf('\\') >= 0) {
                    throw new IllegalArgumentException("bad item name '%(" + name + ")' at position " + (at + 1));
                }
                i = close + 1;
            }
            int flags = defaults;
            boolean flagged = false;
            if (i < s.length() && s.charAt(i) == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '{' after '%' at position " + (at + 1));
                }
                flags = flags(s.substring(i + 1, close), flags, at);
                flagged = true;
                i = close + 1;
            }
            String token;
            if (i < s.length() && s.charAt(i) == '[') {
                int close = s.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '[' after '%' at position " + (at + 1));
                }
                token = s.substring(i, close + 1);
                i = close + 1;
            } else {
                int end = i;
                while (end < s.length() && Character.isLetterOrDigit(s.charAt(end))) {
                    end++;
                }
                token = s.substring(i, end);
                i = end;
            }
            if (token.equals("o")) {
                // HAProxy's %o: flags for every item after it (json: for the whole line).
                if (!flagged) {
                    throw new IllegalArgumentException("'%o' at position " + (at + 1) + " needs flags, as in %{+Q}o");
                }
                defaults = flags & ~JSON;
                out.add(new Options(flags));
                continue;
            }
            Var v = BY_TOKEN.get(token);
            if (v == null) {
                throw new IllegalArgumentException(token.isEmpty()
                        ? "'%' at position " + (at + 1) + " names no variable (write %% for a percent sign)"
                        : "unknown log format variable '%" + token + "' (known: " + known() + ")");
            }
            flush(literal, out);
            out.add(new Variable(v, flags, name, name == null ? null
                    : ("\"" + name + "\": ").getBytes(StandardCharsets.UTF_8)));
        }
        flush(literal, out);
        return out.toArray();
    }

    /** Applies {@code +Q,-X,…} to {@code flags}. */
    private static int flags(String list, int flags, int at) {
        for (String option : list.split(",")) {
            if (option.length() < 2 || option.charAt(0) != '+' && option.charAt(0) != '-') {
                throw new IllegalArgumentException("bad log format flag '" + option + "' at position " + (at + 1)
                        + " (write +F or -F: Q, X, E, json)");
            }
            int flag = switch (option.substring(1)) {
                case "Q" -> QUOTE;
                case "X" -> HEX;
                case "E" -> ESCAPE;
                case "json" -> JSON;
                default -> throw new IllegalArgumentException("unsupported log format flag '" + option
                        + "' at position " + (at + 1) + " (supported: Q, X, E, json)");
            };
            flags = option.charAt(0) == '+' ? flags | flag : flags & ~flag;
        }
        return flags;
    }

    private static String known() {
        StringBuilder sb = new StringBuilder();
        for (String t : BY_TOKEN.keySet()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append('%').append(t);
        }
        return sb.toString();
    }

    private static void flush(StringBuilder literal, List<Object> out) {
        if (literal.length() > 0) {
            out.add(literal.toString().getBytes(StandardCharsets.UTF_8));
            literal.setLength(0);
        }
    }

    /** The variables a format string may use, with what each shows (for docs and errors). */
    public static Map<String, String> variables() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Var v : Var.values()) {
            out.put("%" + v.token, v.help);
        }
        return out;
    }

    /** Appends the line for {@code e} (no newline). */
    public void write(LineBuilder b, LogEntry e, Captures captures, String hostname) {
        if (json) {
            writeJson(b, e, captures);
            return;
        }
        if (jsonLine) {
            writeJsonLine(b, e, captures, hostname);
            return;
        }
        boolean lastSpace = true;
        for (Object p : parts) {
            if (p == SEPARATOR) {
                if (!lastSpace) {
                    b.put(' ');
                    lastSpace = true;
                }
            } else if (p instanceof byte[] literal) {
                b.bytes(literal);
                lastSpace = false;
            } else if (p instanceof Variable v) {
                int before = b.length();
                if (v.flags == 0) {
                    variable(b, v.var, e, captures, hostname, 0);
                } else {
                    flagged(b, v.var, v.flags, e, captures, hostname);
                }
                if (b.length() != before) {
                    lastSpace = false;
                }
            }
        }
    }

    /** {@code %{+json}o}: one object of the named items, {@code {"name": value, …}} as HAProxy writes it. */
    private void writeJsonLine(LineBuilder b, LogEntry e, Captures captures, String hostname) {
        b.put('{');
        boolean first = true;
        for (Object p : parts) {
            if (p instanceof Variable v && v.name != null) {
                if (!first) {
                    b.put(',').put(' ');
                }
                first = false;
                b.bytes(v.jsonKey);
                jsonValue(b, v.var, v.flags, e, captures, hostname);
            }
        }
        b.put('}');
    }

    /** A variable with flags: quoted and escaped as its {@link Kind} allows, or as JSON. */
    private static void flagged(LineBuilder b, Var v, int flags, LogEntry e, Captures captures, String hostname) {
        if ((flags & JSON) != 0) {
            jsonValue(b, v, flags, e, captures, hostname);
            return;
        }
        Kind k = v.kind;
        boolean text = k == Kind.TEXT || k == Kind.SAMPLE_NUMBER || k == Kind.IP && (flags & HEX) == 0;
        boolean quote = text && (flags & QUOTE) != 0;
        if (quote) {
            b.put('"');
        }
        int start = b.length();
        variable(b, v, e, captures, hostname, flags);
        if (text && (flags & ESCAPE) != 0) {
            b.escapeFrom(start, false);
        }
        if (quote) {
            b.put('"');
        }
    }

    /** The value as JSON: a number bare ({@code null} when there is none), anything else a string. */
    private static void jsonValue(LineBuilder b, Var v, int flags, LogEntry e, Captures captures, String hostname) {
        Kind k = v.kind;
        boolean number = k == Kind.NUMBER || k == Kind.SAMPLE_NUMBER
                || (k == Kind.PORT || k == Kind.HEX_NUMBER) && (flags & HEX) == 0;
        int f = flags & HEX;
        if (number) {
            int start = b.length();
            variable(b, v, e, captures, hostname, f);
            if (b.length() == start + 1 && b.array()[start] == '-') {
                b.truncate(start);
                b.ascii("null");
            }
            return;
        }
        b.put('"');
        int start = b.length();
        variable(b, v, e, captures, hostname, f);
        b.escapeFrom(start, true);
        b.put('"');
    }

    private static void variable(LineBuilder b, Var v, LogEntry e, Captures captures, String hostname, int flags) {
        switch (v) {
            case CLIENT_IP -> {
                if ((flags & HEX) != 0) {
                    ip(b, e.client, flags);
                } else {
                    b.text(e.clientHost(e.client));
                }
            }
            case SAMPLE_SRC -> b.text(e.clientHost(e.client));
            case CLIENT_PORT -> port(b, e.client, flags);
            case SAMPLE_SRC_PORT -> b.number(e.client.getPort());
            case FRONTEND_IP -> ip(b, e.destination, flags);
            case FRONTEND_PORT -> port(b, e.destination, flags);
            case DATE, REQUEST_DATE -> b.requestTime(e.startMillis);
            case DATE_GMT -> b.requestSecond(e.startMillis).ascii(" +0000");
            case TIMESTAMP -> {
                long seconds = Math.floorDiv(e.startMillis, 1000L);
                if ((flags & HEX) != 0) {
                    b.hex(seconds, 4);
                } else {
                    b.number(seconds);
                }
            }
            case ACCEPT_MS -> {
                long ms = Math.floorMod(e.startMillis, 1000L);
                if ((flags & HEX) != 0) {
                    b.hex(ms, 2);
                } else {
                    b.padded(ms, 3);
                }
            }
            case FRONTEND, FRONTEND_T, SAMPLE_FE_NAME -> b.text(e.frontend);
            case BACKEND, SAMPLE_BE_NAME -> b.text(e.backend == null ? "<NOSRV>" : e.backend);
            case SERVER, SAMPLE_SRV_NAME -> b.text(e.server == null ? "<NOSRV>" : e.server);
            case SERVER_IP -> ip(b, e.serverAddress, flags);
            case SERVER_PORT -> port(b, e.serverAddress, flags);
            case T_REQUEST, T_REQUEST_OLD, T_HANDSHAKE, T_IDLE -> b.put('0');
            case T_QUEUE -> b.number(e.tw());
            case T_CONNECT -> b.number(e.tc());
            case T_RESPONSE -> b.number(e.tr());
            case T_ACTIVE, T_TOTAL -> b.number(e.tt());
            case T_DATA -> b.number(e.tr() < 0 ? -1 : e.tt() - Math.max(0, e.tw()) - Math.max(0, e.tc())
                    - Math.max(0, e.tr()));
            case STATUS -> b.number(e.status == 0 ? -1 : e.status);
            case BYTES_READ -> b.number(e.bytesOut);
            case BYTES_UPLOADED -> b.number(e.bytesIn);
            case TERMINATION -> b.text(e.terminationState == null ? "--" : e.terminationState);
            case TERMINATION_COOKIE -> b.text(e.terminationState == null ? "--" : e.terminationState).ascii("--");
            case RETRIES -> b.number(e.retries);
            case ACTCONN -> b.number(e.actconn);
            case FECONN -> b.number(e.feconn);
            case BECONN -> b.number(e.beconn);
            case SRVCONN -> b.number(e.srvconn);
            case SERVER_QUEUE, BACKEND_QUEUE -> b.put('0');
            case REQUEST_LINE -> {
                if (e.method == null) {
                    b.ascii("<BADREQ>");
                } else {
                    b.text(e.method).put(' ');
                    e.writeUri(b);
                    if (e.version != null) {
                        b.put(' ').text(e.version);
                    }
                }
            }
            case METHOD, SAMPLE_METHOD -> b.text(e.method == null ? "<BADREQ>" : e.method);
            case URI -> {
                if (e.method == null) {
                    b.put('-');
                } else {
                    e.writeUri(b);
                }
            }
            case PATH, SAMPLE_PATH -> b.text(pathOf(e.uriText()));
            case QUERY -> b.text(queryOf(e.uriText()));
            case VERSION -> b.text(e.version == null ? "-" : e.version);
            case CAPTURED_REQUEST -> requestCaptures(b, e, captures, true, 0);
            case CAPTURED_RESPONSE -> responseCaptures(b, e, captures, true, 0);
            case CAPTURED_REQUEST_LIST -> requestCaptures(b, e, captures, false, flags);
            case CAPTURED_RESPONSE_LIST -> responseCaptures(b, e, captures, false, flags);
            case COOKIE_CLIENT, COOKIE_SERVER -> b.put('-');
            case HOSTNAME -> b.text(hostname);
            case PID -> {
                if ((flags & HEX) != 0) {
                    b.hex(PID_VALUE, 4);
                } else {
                    b.number(PID_VALUE);
                }
            }
            case GENERATION -> b.number(e.generation);
            case REVISION -> {
                if (e.revision == null) {
                    b.ascii("null");
                } else {
                    b.text(e.revision, Math.min(e.revision.length(), 7));
                }
            }
            default -> throw new IllegalStateException("unhandled " + v);
        }
    }

    /** An address: dotted or colon text, or with {@code +X} its bytes in hex ({@code 7F000001}); {@code -} when none. */
    private static void ip(LineBuilder b, InetSocketAddress a, int flags) {
        if (a == null || a.getAddress() == null) {
            b.put('-');
        } else if ((flags & HEX) != 0) {
            for (byte x : a.getAddress().getAddress()) {
                b.hex(x & 0xff, 2);
            }
        } else {
            b.text(a.getAddress().getHostAddress());
        }
    }

    /** A port, or with {@code +X} as four hex digits; {@code -} when there is no address. */
    private static void port(LineBuilder b, InetSocketAddress a, int flags) {
        if (a == null) {
            b.put('-');
        } else if ((flags & HEX) != 0) {
            b.hex(a.getPort(), 4);
        } else {
            b.number(a.getPort());
        }
    }

    /**
     * {@code %hr} ({@code braces}: {@code {a|b}}) or {@code %hrl} ({@code a b}, {@code -}
     * for a missing one; with {@code +Q} each quoted, {@code ""} for a missing one, and
     * {@code +E} escaping within the quotes, as HAProxy writes them).
     */
    private static void requestCaptures(LineBuilder b, LogEntry e, Captures captures, boolean braces, int flags) {
        List<Captures.Header> headers = captures.request();
        if (headers.isEmpty()) {
            return;
        }
        if (braces) {
            b.put('{');
        }
        for (int i = 0; i < headers.size(); i++) {
            if (i > 0) {
                b.put(braces ? '|' : ' ');
            }
            Captures.Header h = headers.get(i);
            captured(b, e.requestHeader(h.name()), h.length(), braces, flags);
        }
        if (braces) {
            b.put('}');
        }
    }

    private static void responseCaptures(LineBuilder b, LogEntry e, Captures captures, boolean braces, int flags) {
        List<Captures.Header> headers = captures.response();
        if (headers.isEmpty()) {
            return;
        }
        if (braces) {
            b.put('{');
        }
        for (int i = 0; i < headers.size(); i++) {
            if (i > 0) {
                b.put(braces ? '|' : ' ');
            }
            String v = e.responseCaptures == null || i >= e.responseCaptures.length ? null : e.responseCaptures[i];
            captured(b, v, headers.get(i).length(), braces, flags);
        }
        if (braces) {
            b.put('}');
        }
    }

    /** One captured value ({@code null}: not there) in a {@code {…}} block or a list. */
    private static void captured(LineBuilder b, String v, int length, boolean braces, int flags) {
        boolean quote = !braces && (flags & QUOTE) != 0;
        if (quote) {
            b.put('"');
        }
        int start = b.length();
        if (v != null) {
            b.escaped(v, length);
        } else if (!braces && !quote) {
            b.put('-');
        }
        if ((flags & ESCAPE) != 0) {
            b.escapeFrom(start, false);
        }
        if (quote) {
            b.put('"');
        }
    }

    private static String pathOf(String uri) {
        if (uri == null) {
            return "-";
        }
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static String queryOf(String uri) {
        if (uri == null) {
            return "";
        }
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q);
    }

    /** One JSON object with the fields of httplog and tcplog, names as HAProxy's documentation calls them. */
    private static void writeJson(LineBuilder b, LogEntry e, Captures captures) {
        b.ascii("{\"client_ip\":").json(e.clientHost(e.client));
        b.ascii(",\"client_port\":").number(e.client.getPort());
        b.ascii(",\"accept_date\":\"").requestTime(e.startMillis).put('"');
        b.ascii(",\"frontend_name\":").json(e.frontend);
        b.ascii(",\"backend_name\":").json(e.backend == null ? "<NOSRV>" : e.backend);
        b.ascii(",\"server_name\":").json(e.server == null ? "<NOSRV>" : e.server);
        b.ascii(",\"Tw\":").number(e.tw());
        b.ascii(",\"Tc\":").number(e.tc());
        b.ascii(",\"Tr\":").number(e.tr());
        b.ascii(",\"Tt\":").number(e.tt());
        b.ascii(",\"status_code\":").number(e.status == 0 ? -1 : e.status);
        b.ascii(",\"bytes_read\":").number(e.bytesOut);
        b.ascii(",\"bytes_uploaded\":").number(e.bytesIn);
        b.ascii(",\"termination_state\":").json(e.terminationState == null ? "--" : e.terminationState);
        b.ascii(",\"retries\":").number(e.retries);
        b.ascii(",\"actconn\":").number(e.actconn);
        b.ascii(",\"feconn\":").number(e.feconn);
        b.ascii(",\"beconn\":").number(e.beconn);
        b.ascii(",\"srv_conn\":").number(e.srvconn);
        b.ascii(",\"generation\":").number(e.generation);
        b.ascii(",\"revision\":").json(e.revision);
        if (e.method != null) {
            b.ascii(",\"http_method\":").json(e.method);
            b.ascii(",\"http_request\":").json(e.uriText());
            b.ascii(",\"http_version\":").json(e.version);
        }
        if (!captures.request().isEmpty()) {
            b.ascii(",\"captured_request_headers\":{");
            for (int i = 0; i < captures.request().size(); i++) {
                Captures.Header h = captures.request().get(i);
                String v = e.requestHeader(h.name());
                if (i > 0) {
                    b.put(',');
                }
                b.json(h.name().toLowerCase(Locale.ROOT)).put(':')
                        .json(v == null ? null : v.substring(0, Math.min(v.length(), h.length())));
            }
            b.put('}');
        }
        if (!captures.response().isEmpty()) {
            b.ascii(",\"captured_response_headers\":{");
            for (int i = 0; i < captures.response().size(); i++) {
                Captures.Header h = captures.response().get(i);
                String v = e.responseCaptures == null || i >= e.responseCaptures.length ? null : e.responseCaptures[i];
                if (i > 0) {
                    b.put(',');
                }
                b.json(h.name().toLowerCase(Locale.ROOT)).put(':')
                        .json(v == null ? null : v.substring(0, Math.min(v.length(), h.length())));
            }
            b.put('}');
        }
        b.put('}');
    }

    @Override
    public String toString() {
        return text;
    }
}

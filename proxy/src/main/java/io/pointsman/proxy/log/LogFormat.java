package io.pointsman.proxy.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A compiled log format: {@code httplog}, {@code tcplog}, {@code json}, or a custom string
 * of HAProxy's {@code %}-variables ({@code log-format}). Compiled once per generation
 * ({@link #compile}, which refuses unknown variables); {@link #write} then appends a
 * line without parsing or allocating.
 *
 * <p>As in HAProxy, a run of spaces is a separator: it is written once, and only after
 * something else was, so a variable with nothing to show ({@code %hr} without captures)
 * leaves no double space. {@code %{+Q}X} quotes a text variable; {@code %%} is a percent
 * sign. The variables ({@link Var}) are a documented subset of HAProxy's, plus the
 * sample-fetch forms {@code %[generation]} and {@code %[revision]}.
 */
public final class LogFormat {
    /** Today's access line, HAProxy's {@code option httplog} plus the generation and commit. */
    public static final String HTTPLOG = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %ts "
            + "gen=%[generation](%[revision]) %hr %hs %{+Q}r";
    /** HAProxy's {@code option tcplog}, plus the generation and commit. */
    public static final String TCPLOG = "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq "
            + "gen=%[generation](%[revision])";

    /** The variables, by the name written after {@code %} (or inside {@code %[…]}). */
    public enum Var {
        CLIENT_IP("ci", "client address"),
        CLIENT_PORT("cp", "client port"),
        DATE("t", "accept date, dd/MMM/yyyy:HH:mm:ss.SSS (UTC)"),
        REQUEST_DATE("tr", "request date, dd/MMM/yyyy:HH:mm:ss.SSS (UTC)"),
        DATE_GMT("T", "accept date, dd/MMM/yyyy:HH:mm:ss +0000"),
        TIMESTAMP("Ts", "accept date, seconds since the epoch"),
        ACCEPT_MS("ms", "accept date, milliseconds part"),
        FRONTEND("f", "frontend name"),
        FRONTEND_T("ft", "frontend name"),
        BACKEND("b", "backend name"),
        SERVER("s", "server name"),
        SERVER_IP("si", "server address"),
        SERVER_PORT("sp", "server port"),
        T_REQUEST("TR", "ms to receive the request head (0: heads are read whole)"),
        T_REQUEST_OLD("Tq", "same as %TR"),
        T_HANDSHAKE("Th", "ms of handshake (0)"),
        T_IDLE("Ti", "ms idle before the request (0)"),
        T_QUEUE("Tw", "ms waiting in the queue"),
        T_CONNECT("Tc", "ms to connect to the server, -1 when none"),
        T_RESPONSE("Tr", "ms until the server's response head, -1 when none"),
        T_ACTIVE("Ta", "ms from request to end"),
        T_TOTAL("Tt", "ms from accept to end"),
        T_DATA("Td", "ms of data transfer (Tt - Tq - Tw - Tc - Tr)"),
        STATUS("ST", "HTTP status, -1 when none"),
        BYTES_READ("B", "bytes sent to the client"),
        BYTES_UPLOADED("U", "bytes received from the client"),
        TERMINATION("ts", "termination state, two characters"),
        TERMINATION_COOKIE("tsc", "termination state with cookie flags (always --)"),
        RETRIES("rc", "connect retries"),
        ACTCONN("ac", "connections open on the process"),
        FECONN("fc", "connections open on the frontend"),
        BECONN("bc", "connections open to the backend"),
        SRVCONN("sc", "connections open to the server"),
        SERVER_QUEUE("sq", "requests queued before this one on the server (0)"),
        BACKEND_QUEUE("bq", "requests queued before this one on the backend (0)"),
        REQUEST_LINE("r", "request line"),
        METHOD("HM", "HTTP method"),
        URI("HU", "request target"),
        PATH("HP", "path of the request target"),
        QUERY("HQ", "query of the request target, with its '?'"),
        VERSION("HV", "HTTP version"),
        CAPTURED_REQUEST("hr", "captured request headers, {a|b}"),
        CAPTURED_RESPONSE("hs", "captured response headers, {a|b}"),
        CAPTURED_REQUEST_LIST("hrl", "captured request headers, space separated"),
        CAPTURED_RESPONSE_LIST("hsl", "captured response headers, space separated"),
        COOKIE_CLIENT("CC", "captured request cookie (-)"),
        COOKIE_SERVER("CS", "captured response cookie (-)"),
        HOSTNAME("H", "this node's host name"),
        PID("pid", "process id"),
        GENERATION("[generation]", "the generation number"),
        REVISION("[revision]", "the config commit, 7 characters"),
        SAMPLE_SRC("[src]", "client address"),
        SAMPLE_SRC_PORT("[src_port]", "client port"),
        SAMPLE_FE_NAME("[fe_name]", "frontend name"),
        SAMPLE_BE_NAME("[be_name]", "backend name"),
        SAMPLE_SRV_NAME("[srv_name]", "server name"),
        SAMPLE_METHOD("[method]", "HTTP method"),
        SAMPLE_PATH("[path]", "path of the request target");

        private final String token;
        private final String help;

        Var(String token, String help) {
            this.token = token;
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

    static {
        for (Var v : Var.values()) {
            BY_TOKEN.put(v.token, v);
        }
    }

    private static final Object SEPARATOR = new Object();

    private record Variable(Var var, boolean quoted) {
    }

    private final String text;
    private final boolean json;
    /** byte[] literal, {@link #SEPARATOR} or {@link Variable}. */
    private final Object[] parts;

    private LogFormat(String text, boolean json, Object[] parts) {
        this.text = text;
        this.json = json;
        this.parts = parts;
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
            boolean quoted = false;
            if (i < s.length() && s.charAt(i) == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '{' after '%' at position " + (at + 1));
                }
                for (String option : s.substring(i + 1, close).split(",")) {
                    if (option.equals("+Q")) {
                        quoted = true;
                    } else if (!option.equals("-Q")) {
                        throw new IllegalArgumentException("unsupported log format option '" + option
                                + "' at position " + (at + 1) + " (supported: +Q)");
                    }
                }
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
            Var v = BY_TOKEN.get(token);
            if (v == null) {
                throw new IllegalArgumentException(token.isEmpty()
                        ? "'%' at position " + (at + 1) + " names no variable (write %% for a percent sign)"
                        : "unknown log format variable '%" + token + "' (known: " + known() + ")");
            }
            flush(literal, out);
            out.add(new Variable(v, quoted));
        }
        flush(literal, out);
        return out.toArray();
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
            } else {
                Variable v = (Variable) p;
                int before = b.length();
                if (v.quoted) {
                    b.put('"');
                }
                variable(b, v.var, e, captures, hostname);
                if (v.quoted) {
                    b.put('"');
                }
                if (b.length() != before) {
                    lastSpace = false;
                }
            }
        }
    }

    private static void variable(LineBuilder b, Var v, LogEntry e, Captures captures, String hostname) {
        switch (v) {
            case CLIENT_IP, SAMPLE_SRC -> b.text(e.clientHost(e.client));
            case CLIENT_PORT, SAMPLE_SRC_PORT -> b.number(e.client.getPort());
            case DATE, REQUEST_DATE -> b.requestTime(e.startMillis);
            case DATE_GMT -> b.requestSecond(e.startMillis).ascii(" +0000");
            case TIMESTAMP -> b.number(Math.floorDiv(e.startMillis, 1000L));
            case ACCEPT_MS -> b.padded(Math.floorMod(e.startMillis, 1000L), 3);
            case FRONTEND, FRONTEND_T, SAMPLE_FE_NAME -> b.text(e.frontend);
            case BACKEND, SAMPLE_BE_NAME -> b.text(e.backend == null ? "<NOSRV>" : e.backend);
            case SERVER, SAMPLE_SRV_NAME -> b.text(e.server == null ? "<NOSRV>" : e.server);
            case SERVER_IP -> {
                if (e.serverAddress == null || e.serverAddress.getAddress() == null) {
                    b.put('-');
                } else {
                    b.text(e.serverAddress.getAddress().getHostAddress());
                }
            }
            case SERVER_PORT -> {
                if (e.serverAddress == null) {
                    b.put('-');
                } else {
                    b.number(e.serverAddress.getPort());
                }
            }
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
            case CAPTURED_REQUEST -> requestCaptures(b, e, captures, true);
            case CAPTURED_RESPONSE -> responseCaptures(b, e, captures, true);
            case CAPTURED_REQUEST_LIST -> requestCaptures(b, e, captures, false);
            case CAPTURED_RESPONSE_LIST -> responseCaptures(b, e, captures, false);
            case COOKIE_CLIENT, COOKIE_SERVER -> b.put('-');
            case HOSTNAME -> b.text(hostname);
            case PID -> b.number(ProcessHandle.current().pid());
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

    private static void requestCaptures(LineBuilder b, LogEntry e, Captures captures, boolean braces) {
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
            String v = e.requestHeader(h.name());
            if (v != null) {
                b.escaped(v, h.length());
            } else if (!braces) {
                b.put('-');
            }
        }
        if (braces) {
            b.put('}');
        }
    }

    private static void responseCaptures(LineBuilder b, LogEntry e, Captures captures, boolean braces) {
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
            if (v != null) {
                b.escaped(v, headers.get(i).length());
            } else if (!braces) {
                b.put('-');
            }
        }
        if (braces) {
            b.put('}');
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

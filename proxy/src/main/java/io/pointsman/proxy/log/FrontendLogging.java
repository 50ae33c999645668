package io.pointsman.proxy.log;

/**
 * A frontend's compiled log settings: its format and captures, and which lines it leaves
 * out or marks as errors (HAProxy's {@code option dontlognull}, {@code dontlog-normal},
 * {@code log-separate-errors}). Made once per generation.
 *
 * @param format         compiled {@code log_format}
 * @param captures       headers captured into the line
 * @param dontlognull    no line for a connection that sent nothing
 * @param dontlogNormal  no line for a request or session that ended normally
 * @param separateErrors errors are logged at {@code err} rather than {@code info}
 */
public record FrontendLogging(LogFormat format, Captures captures, boolean dontlognull, boolean dontlogNormal,
                              boolean separateErrors) {

    public static final FrontendLogging HTTP_DEFAULT =
            new FrontendLogging(LogFormat.compile("httplog"), Captures.NONE, false, false, false);
    public static final FrontendLogging TCP_DEFAULT =
            new FrontendLogging(LogFormat.compile("tcplog"), Captures.NONE, false, false, false);

    /** Whether this entry gets no line. */
    public boolean skips(LogEntry e) {
        if (dontlognull && e.method == null && e.bytesIn == 0 && !"PR".equals(e.terminationState)) {
            return true; // the client sent nothing (as HAProxy: no request bytes): a port scan, a probe
        }
        return dontlogNormal && !e.isError() && e.status < 400;
    }
}

package io.pointsman.proxy.config;

/**
 * One {@code global.log} entry (HAProxy {@code log <target> [format F] <facility> [<level>]},
 * {@code log-tag}, {@code log-send-hostname}).
 *
 * @param target   where lines go
 * @param format   {@code rfc3164} (default for syslog), {@code rfc5424}, or {@code raw} (the bare line; default for stderr)
 * @param facility syslog facility (default {@code local0})
 * @param level    the most verbose severity sent (default {@code info}): access lines are {@code info},
 *                 errors with {@code log_separate_errors} {@code err}, servers going DOWN {@code alert}
 * @param tag      the program name in each message (default {@code pointsman})
 * @param hostname the host name in each message: rfc5424 always has one (default: the node's),
 *                 rfc3164 only when this is set
 */
public record LogTarget(
        LogAddress target,
        Syntax format,
        Facility facility,
        Severity level,
        String tag,
        String hostname) {

    /** How a message is framed. */
    public enum Syntax { RFC3164, RFC5424, RAW }

    /** Syslog facilities with their numbers (RFC 5424 §6.2.1). */
    public enum Facility {
        KERN, USER, MAIL, DAEMON, AUTH, SYSLOG, LPR, NEWS, UUCP, CRON, AUTH2, FTP, NTP, AUDIT, ALERT, CRON2,
        LOCAL0, LOCAL1, LOCAL2, LOCAL3, LOCAL4, LOCAL5, LOCAL6, LOCAL7;

        public int code() {
            return ordinal();
        }
    }

    /** Syslog severities, most severe first; the ordinal is the RFC 5424 number. */
    public enum Severity {
        EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, INFO, DEBUG;

        public int code() {
            return ordinal();
        }
    }
}

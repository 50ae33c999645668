package io.pointsman.proxy.log;

import io.pointsman.proxy.config.LogTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Puts a log line into one syslog message as HAProxy does:
 * <ul>
 *   <li>{@code rfc3164}: {@code <PRI>Mmm dd HH:mm:ss [HOSTNAME ]TAG[PID]: MSG} (local time;
 *       the host name only when the target sets one, as {@code log-send-hostname});</li>
 *   <li>{@code rfc5424}: {@code <PRI>1 TIMESTAMP HOSTNAME TAG PID - - MSG} (UTC, milliseconds);</li>
 *   <li>{@code raw}: the line alone.</li>
 * </ul>
 * PRI is facility × 8 + severity. Used on a target's writer thread only (not thread-safe:
 * it caches the current second's text).
 */
final class SyslogFraming {
    private static final DateTimeFormatter RFC3164 = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter RFC5424 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final LogTarget.Syntax syntax;
    private final int facility;
    /** {@code " TAG[PID]: "} (3164) or {@code " HOST TAG PID - - "} (5424), made once. */
    private final byte[] afterTime;
    private long second = Long.MIN_VALUE;
    private byte[] secondText;

    SyslogFraming(LogTarget.Syntax syntax, LogTarget.Facility facility, String tag, String hostname) {
        this.syntax = syntax;
        this.facility = facility.code();
        long pid = ProcessHandle.current().pid();
        String after = switch (syntax) {
            case RFC3164 -> " " + (hostname == null ? "" : hostname + " ") + tag + "[" + pid + "]: ";
            case RFC5424 -> " " + (hostname == null || hostname.isEmpty() ? "-" : hostname) + " " + tag + " " + pid
                    + " - - ";
            case RAW -> "";
        };
        this.afterTime = after.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the whole message for one record into {@code b} (reset first). */
    void frame(LineBuilder b, long epochMillis, int severity, byte[] body, int off, int len) {
        b.reset();
        if (syntax != LogTarget.Syntax.RAW) {
            b.put('<').number(facility * 8L + severity).put('>');
            if (syntax == LogTarget.Syntax.RFC5424) {
                b.ascii("1 ");
            }
            long s = Math.floorDiv(epochMillis, 1000L);
            if (s != second) {
                second = s;
                Instant at = Instant.ofEpochSecond(s);
                secondText = (syntax == LogTarget.Syntax.RFC3164 ? RFC3164.withZone(ZoneId.systemDefault()).format(at)
                        : RFC5424.format(at)).getBytes(StandardCharsets.US_ASCII);
            }
            b.bytes(secondText);
            if (syntax == LogTarget.Syntax.RFC5424) {
                b.millis(epochMillis);
                b.put('Z');
            }
            b.bytes(afterTime);
        }
        b.bytes(body, off, len);
    }
}

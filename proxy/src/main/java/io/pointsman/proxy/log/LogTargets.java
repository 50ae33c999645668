package io.pointsman.proxy.log;

import io.pointsman.proxy.config.LogTarget;
import java.util.List;

/**
 * The log targets of one generation ({@code global.log}), immutable. Empty when the config
 * names none: then access lines go to stderr through the {@code io.pointsman.access}
 * logger's shape, as before targets existed.
 */
public final class LogTargets {
    public static final LogTargets NONE = new LogTargets(List.of(), "localhost");

    private final List<LogSink> sinks;
    private final LogSink[] array;
    private final String hostname;

    LogTargets(List<LogSink> sinks, String hostname) {
        this.sinks = List.copyOf(sinks);
        this.array = sinks.toArray(new LogSink[0]);
        this.hostname = hostname;
    }

    public boolean isEmpty() {
        return array.length == 0;
    }

    public List<LogSink> sinks() {
        return sinks;
    }

    /** This node's host name ({@code %H}, rfc5424's HOSTNAME). */
    public String hostname() {
        return hostname;
    }

    /** Whether some target takes lines of this severity (skip formatting when none does). */
    public boolean takes(LogTarget.Severity severity) {
        for (LogSink s : array) {
            if (s.takes(severity)) {
                return true;
            }
        }
        return false;
    }

    /** Hands a finished line (no newline) to every target that takes its severity. Never blocks. */
    public void emit(long epochMillis, LogTarget.Severity severity, LineBuilder line) {
        for (LogSink s : array) {
            s.emit(epochMillis, severity, line.array(), line.length());
        }
    }

    /** A line given as text (server state changes: rare, off the hot path). */
    public void emit(LogTarget.Severity severity, String text) {
        if (array.length == 0) {
            return;
        }
        LineBuilder b = new LineBuilder();
        b.text(text);
        emit(System.currentTimeMillis(), severity, b);
    }
}

package io.pointsman.agent.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pointsman.agent.sync.SyncEvent;
import io.pointsman.proxy.config.NotifyFormat;

/**
 * What a target receives for one event. {@code json}: the event's fields and a {@code text}
 * line; {@code slack}: {@code {"text": "…"}}, which Slack's incoming webhooks (and Mattermost,
 * Rocket.Chat, Teams' Slack-compatible hooks) accept.
 */
public final class MessageBodies {
    /** Long validation reports are cut: chat systems refuse very long messages. */
    static final int MAX_TEXT = 3000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageBodies() {}

    public static String body(NotifyFormat format, String node, SyncEvent e) {
        ObjectNode o = JSON.createObjectNode();
        if (format == NotifyFormat.SLACK) {
            o.put("text", text(node, e));
        } else {
            o.put("node", node);
            o.put("event", e.kind().yamlName());
            o.put("revision", e.revision());
            o.put("reason", e.reason());
            o.put("message", cut(e.message(), 4 * MAX_TEXT));
            o.put("time", e.time().toString());
            o.put("text", text(node, e));
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a tree of strings always serializes", ex);
        }
    }

    /** One human line (more when the message has several): {@code lb1: applied main@1a2b3c4: …}. */
    static String text(String node, SyncEvent e) {
        String rev = shortRevision(e.revision());
        String what = switch (e.kind()) {
            case APPLIED -> "applied " + rev;
            case REFUSED -> "refused " + rev + " (" + e.reason() + ")";
            case HEALTH_GATE_FAILED -> "health gate failed for " + rev + ", swapped back";
            case SIGNATURE_REJECTED -> "signature rejected: " + rev;
            case FETCH_FAILING -> "cannot fetch the config repo since " + e.fetchFailingSince();
            case RUNTIME_CHANGE -> "runtime change";
        };
        String message = e.message() == null || e.message().isBlank() ? "" : ": " + e.message();
        return cut(node + ": " + what + message, MAX_TEXT);
    }

    /** {@code main@sha1:0123456789abcdef…} → {@code main@0123456}. */
    static String shortRevision(String revision) {
        if (revision == null) {
            return "-";
        }
        int at = revision.indexOf("@sha1:");
        if (at < 0 || revision.length() < at + 6 + 7) {
            return revision;
        }
        return revision.substring(0, at + 1) + revision.substring(at + 6, at + 6 + 7);
    }

    private static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 1) + "…";
    }
}

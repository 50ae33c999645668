package io.pointsman.agent.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pointsman.agent.preview.Checkout;
import io.pointsman.agent.sync.NodeSyncSettings;
import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * One row per node of the fleet, set against the branch head: what {@code pointsman fleet}
 * prints. A row has findings when the node is unreachable, not ready, answers under another
 * name, or lags more than allowed; the view is {@link #ok()} when no row has any.
 *
 * @param head     the branch head the nodes are compared with (commit id), or null when
 *                 there is no checkout to ask
 * @param headName how the head was found ({@code origin/main}, {@code main})
 */
public record FleetView(String branch, String headName, String head, List<Row> rows) {

    /** How far behind a node may be: a number of commits, or how long the oldest commit it lacks has been on the branch. */
    public record MaxLag(Integer commits, Duration time) {
        /** {@code 3} (commits) or {@code 15m}. */
        public static MaxLag parse(String text) {
            if (text.matches("\\d+")) {
                return new MaxLag(Integer.parseInt(text), null);
            }
            Duration d = Durations.parse(text);
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("--max-lag: '" + text + "' is neither a number of commits nor a duration");
            }
            return new MaxLag(null, d);
        }

        @Override
        public String toString() {
            return commits != null ? commits + " commit" + (commits == 1 ? "" : "s") : Durations.format(time);
        }
    }

    /**
     * One node.
     *
     * @param behind    commits on the branch the node does not serve yet; null when unknown
     *                  (unreachable, nothing applied, or its commit is not in the checkout)
     * @param behindFor how long the oldest of those commits has been on the branch (its commit time)
     * @param wave      its {@code sync.apply_delay} at the branch head
     * @param overrides its runtime overrides, {@code web/web1 drain (reason)}
     * @param findings  why this node fails the check; empty when it is fine
     */
    public record Row(String name, String statusUrl, boolean reachable, String problem, boolean ready, String reason,
            String message, String applied, Integer behind, Duration behindFor, Duration wave, List<String> overrides,
            List<String> findings) {
    }

    public FleetView {
        rows = List.copyOf(rows);
    }

    public boolean ok() {
        return rows.stream().allMatch(r -> r.findings().isEmpty());
    }

    /**
     * @param checkout  the config repo's checkout, or null (no lag then)
     * @param headFiles the config at the branch head (or the directory's), for each node's wave
     * @param maxLag    null: lag is shown, never a finding
     */
    public static FleetView of(String branch, String headName, ObjectId head, List<FleetQuery.Answer> answers,
            Checkout checkout, ConfigFiles headFiles, MaxLag maxLag, Instant now) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (FleetQuery.Answer a : answers) {
            rows.add(row(a, checkout, head, headFiles, maxLag, now));
        }
        return new FleetView(branch, headName, head == null ? null : head.name(), rows);
    }

    private static Row row(FleetQuery.Answer a, Checkout checkout, ObjectId head, ConfigFiles headFiles, MaxLag maxLag,
            Instant now) throws IOException {
        String name = a.node().name();
        Duration wave = headFiles == null ? null : NodeSyncSettings.of(headFiles, name).applyDelay();
        List<String> findings = new ArrayList<>();
        if (!a.reachable()) {
            findings.add("unreachable: " + a.problem());
            return new Row(name, a.node().statusUrl(), false, a.problem(), false, null, null, null, null, null, wave,
                    List.of(), findings);
        }
        JsonNode s = a.status();
        boolean ready = s.path("ready").asBoolean(false);
        String reason = text(s, "reason");
        String applied = text(s, "lastAppliedRevision");
        String answeredAs = text(s, "node");
        if (answeredAs != null && !answeredAs.equals(name)) {
            findings.add("answers as node '" + answeredAs + "'");
        }
        if (!ready) {
            findings.add("not ready: " + reason);
        }
        Integer behind = null;
        Duration behindFor = null;
        ObjectId appliedId = commitOf(applied);
        if (checkout != null && head != null && appliedId != null) {
            int n = checkout.commitsBetween(appliedId, head);
            if (n >= 0) {
                behind = n;
                RevCommit oldest = n == 0 ? null : checkout.oldestMissing(appliedId, head);
                if (oldest != null) {
                    behindFor = Duration.ofSeconds(now.getEpochSecond() - oldest.getCommitTime());
                    if (behindFor.isNegative()) {
                        behindFor = Duration.ZERO;
                    }
                }
            }
        }
        if (maxLag != null) {
            if (applied == null) {
                findings.add("serves nothing");
            } else if (behind == null) {
                findings.add("lag unknown: " + shortRevision(applied) + " is not in this checkout (git fetch?)");
            } else if (maxLag.commits() != null && behind > maxLag.commits()) {
                findings.add(behind + " commits behind (max " + maxLag + ")");
            } else if (maxLag.time() != null && behindFor != null && behindFor.compareTo(maxLag.time()) > 0) {
                findings.add("behind for " + Durations.format(behindFor) + " (max " + maxLag + ")");
            }
        }
        return new Row(name, a.node().statusUrl(), true, null, ready, reason, text(s, "message"), applied, behind,
                behindFor, wave, overrides(s.path("runtimeOverrides")), findings);
    }

    /** {@code web/web1 drain (kernel upgrade)}, {@code api/api2 weight 50%} from {@code /status}'s runtimeOverrides. */
    public static List<String> overrides(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (!list.isArray()) {
            return out;
        }
        for (JsonNode o : list) {
            StringBuilder sb = new StringBuilder().append(o.path("backend").asText()).append('/').append(o.path("server").asText());
            if (o.hasNonNull("state")) {
                sb.append(' ').append(o.get("state").asText());
            }
            if (o.hasNonNull("weight")) {
                sb.append(" weight ").append(o.get("weight").asText());
            }
            if (o.hasNonNull("reason") && !o.get("reason").asText().isBlank()) {
                sb.append(" (").append(o.get("reason").asText()).append(')');
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static ObjectId commitOf(String revision) {
        if (revision == null) {
            return null;
        }
        int at = revision.indexOf("@sha1:");
        String hex = at < 0 ? revision : revision.substring(at + 6);
        return ObjectId.isId(hex) ? ObjectId.fromString(hex) : null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    /** {@code main@sha1:0123456789…} → {@code main@0123456}. */
    static String shortRevision(String revision) {
        if (revision == null) {
            return "-";
        }
        int at = revision.indexOf("@sha1:");
        return at < 0 || revision.length() < at + 13 ? revision
                : revision.substring(0, at + 1) + revision.substring(at + 6, at + 13);
    }

    // ---------------------------------------------------------------- output

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("branch ").append(branch);
        if (head != null) {
            sb.append(" at ").append(head, 0, 7).append(" (").append(headName).append(')');
        } else {
            sb.append(" (no checkout here: commits behind unknown)");
        }
        sb.append('\n');
        String fmt = "%-12s %-5s %-17s %-14s %-13s %-6s %s%n";
        sb.append(String.format(fmt, "NODE", "READY", "REASON", "APPLIED", "BEHIND", "WAVE", "OVERRIDES"));
        for (Row r : rows) {
            if (!r.reachable()) {
                sb.append(String.format("%-12s %-5s %s (%s)%n", r.name(), "-", "unreachable: " + r.problem(), r.statusUrl()));
                continue;
            }
            String behind = r.behind() == null ? "?" : r.behind() == 0 ? "0"
                    : r.behind() + (r.behindFor() == null ? "" : " (" + Durations.format(r.behindFor()) + ")");
            String wave = r.wave() == null ? "-" : r.wave().isZero() ? "0" : Durations.format(r.wave());
            sb.append(String.format(fmt, r.name(), r.ready() ? "yes" : "NO", r.reason(), shortRevision(r.applied()),
                    behind, wave, r.overrides().isEmpty() ? "-" : String.join(", ", r.overrides())));
        }
        for (Row r : rows) {
            for (String f : r.findings()) {
                sb.append(r.name()).append(": ").append(f).append('\n');
            }
            if (!r.ready() && r.reachable() && r.message() != null) {
                sb.append(r.name()).append(": ").append(r.message().lines().findFirst().orElse("")).append('\n');
            }
        }
        return sb.toString();
    }

    public String json() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("branch", branch);
        root.put("head", head);
        root.put("headName", headName);
        root.put("ok", ok());
        ArrayNode nodes = root.putArray("nodes");
        for (Row r : rows) {
            ObjectNode n = nodes.addObject();
            n.put("name", r.name());
            n.put("statusUrl", r.statusUrl());
            n.put("reachable", r.reachable());
            n.put("problem", r.problem());
            n.put("ready", r.ready());
            n.put("reason", r.reason());
            n.put("message", r.message());
            n.put("lastAppliedRevision", r.applied());
            if (r.behind() == null) {
                n.putNull("behind");
            } else {
                n.put("behind", r.behind());
            }
            if (r.behindFor() == null) {
                n.putNull("behindForSeconds");
            } else {
                n.put("behindForSeconds", r.behindFor().toSeconds());
            }
            if (r.wave() == null) {
                n.putNull("applyDelaySeconds");
            } else {
                n.put("applyDelaySeconds", r.wave().toSeconds());
            }
            ArrayNode o = n.putArray("runtimeOverrides");
            r.overrides().forEach(o::add);
            ArrayNode f = n.putArray("findings");
            r.findings().forEach(f::add);
        }
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

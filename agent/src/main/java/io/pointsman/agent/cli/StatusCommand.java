package io.pointsman.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pointsman status}: a human summary of a running agent's {@code GET /status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show what a running Pointsman node has applied and why.",
            "Reads GET /status from the agent's status listener.",
            "Exit 0 when the node is ready, 1 when its last attempt failed, 3 when it cannot be reached."},
        footer = {"", "Example:", "  pointsman status --url http://127.0.0.1:9900"})
public final class StatusCommand implements Callable<Integer> {
    static final int UNREACHABLE = 3;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:9900",
            description = "Status listener of the node (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--history", defaultValue = "5", description = "History entries to show (default: ${DEFAULT-VALUE}).")
    int historyLines;

    @Option(names = "--json", description = "Print the raw JSON of /status.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String body;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/status"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println("pointsman status: " + url + "/status answered HTTP " + response.statusCode());
                return UNREACHABLE;
            }
            body = response.body();
        } catch (IOException | IllegalArgumentException e) {
            err.println("pointsman status: cannot reach " + url + ": " + e.getMessage());
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNREACHABLE;
        }
        if (json) {
            out.println(body);
            out.flush();
            return 0;
        }
        JsonNode s;
        try {
            s = new ObjectMapper().readTree(body);
        } catch (IOException e) {
            err.println("pointsman status: " + url + "/status did not return JSON: " + e.getMessage());
            return UNREACHABLE;
        }
        out.print(summary(s, historyLines));
        out.flush();
        return s.path("ready").asBoolean(false) ? 0 : 1;
    }

    /** The text shown to a person; public for tests. */
    static String summary(JsonNode s, int historyLines) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("node        %s%n", text(s, "node")));
        sb.append(String.format("repo        %s (branch %s)%n", text(s, "repo"), text(s, "branch")));
        sb.append(String.format("ready       %s — %s%n", s.path("ready").asBoolean(false) ? "yes" : "NO", text(s, "reason")));
        if (!s.path("message").asText("").isEmpty()) {
            sb.append(String.format("message     %s%n", text(s, "message")));
        }
        sb.append(String.format("applied     %s (generation %s, at %s)%n", text(s, "lastAppliedRevision"),
                text(s, "generation"), text(s, "lastApplyTime")));
        sb.append(String.format("attempted   %s%n", text(s, "lastAttemptedRevision")));
        sb.append(String.format("last fetch  %s   next poll %s%n", text(s, "lastFetchTime"), text(s, "nextPollTime")));
        JsonNode certificates = s.path("certificates");
        if (certificates.isArray() && !certificates.isEmpty()) {
            sb.append(String.format("TLS files (expiry, kind, file, names)%n"));
            for (JsonNode c : certificates) {
                StringBuilder names = new StringBuilder();
                for (JsonNode n : c.path("names")) {
                    names.append(names.length() == 0 ? "" : ", ").append(n.asText());
                }
                String serial = c.path("serial").isTextual() ? " (serial " + c.path("serial").asText() + ")" : "";
                sb.append(String.format("  %-24s %-11s %s %s%s%n", text(c, "notAfter"), text(c, "kind"), text(c, "file"),
                        names, serial));
                if (!c.path("error").isNull() && !c.path("error").isMissingNode()) {
                    sb.append(String.format("    NOT RELOADED (the previous one serves): %s%n", text(c, "error")));
                }
            }
        }
        JsonNode overrides = s.path("runtimeOverrides");
        if (overrides.isArray() && !overrides.isEmpty()) {
            sb.append(String.format("runtime     %d server(s) differ from git:%n", overrides.size()));
            for (String o : io.pointsman.agent.fleet.FleetView.overrides(overrides)) {
                sb.append(String.format("  %s%n", o));
            }
        }
        for (JsonNode d : s.path("runtimeOverridesDropped")) {
            sb.append(String.format("dropped     %s/%s (%s): %s has no such server%n", text(d, "backend"),
                    text(d, "server"), text(d, "override"), shortRevision(text(d, "revision"))));
        }
        JsonNode bgp = s.path("bgp");
        if (bgp.isObject()) {
            JsonNode announced = bgp.path("announced");
            sb.append(String.format("bgp         %s%s%n", announced.isArray() && !announced.isEmpty()
                    ? "announcing " + join(announced) : "withdrawn (" + text(bgp, "withdrawnBecause") + ")",
                    bgp.path("birdReconfigured").asBoolean(false) ? "" : " — BIRD not told: " + text(bgp, "message")));
        }
        JsonNode history = s.path("history");
        if (history.isArray() && !history.isEmpty() && historyLines > 0) {
            sb.append(String.format("history (newest first)%n"));
            int shown = 0;
            for (int i = history.size() - 1; i >= 0 && shown < historyLines; i--, shown++) {
                JsonNode h = history.get(i);
                sb.append(String.format("  %-24s %-12s %-17s %s%n", text(h, "time"), shortRevision(text(h, "revision")),
                        text(h, "reason"), text(h, "message")));
            }
        }
        return sb.toString();
    }

    private static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(v -> items.add(v.asText()));
        return String.join(", ", items);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }

    /** {@code main@sha1:0123456789abcdef…} → {@code main@0123456}. */
    static String shortRevision(String revision) {
        int at = revision.indexOf("@sha1:");
        if (at < 0 || revision.length() < at + 6 + 7) {
            return revision;
        }
        return revision.substring(0, at + 1) + revision.substring(at + 6, at + 6 + 7);
    }
}

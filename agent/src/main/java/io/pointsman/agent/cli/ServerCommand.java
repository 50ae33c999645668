package io.pointsman.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman server list|drain|ready|maint|weight|reset}: runtime server state on a
 * running node (SPEC §11), through its status listener's {@code /servers}.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {
            "Drain a server, put it in maintenance or change its weight on a running node,",
            "without a commit (HAProxy's `set server … state|weight`). The change holds",
            "across config swaps while the server exists, and across restarts; it shows in",
            "`pointsman status`, /status (runtimeOverrides), the stats page, /metrics and",
            "history, and notifies sync.notify targets. `reset` goes back to git's values."
        },
        footer = {
            "",
            "Examples:",
            "  pointsman server drain web/web1 --reason \"kernel upgrade\" --ttl 2h",
            "  pointsman server list",
            "  pointsman server weight api/api2 50%",
            "  pointsman server ready web/web1",
            "  pointsman server reset api/api2 --url http://lb1:9900 --token-file /etc/pointsman/status-token",
            "",
            "Exit status: 0 done, 1 refused (unknown server, bad value, missing token), 3 node unreachable."
        },
        subcommands = {
            ServerCommand.ListServers.class,
            ServerCommand.Drain.class,
            ServerCommand.Ready.class,
            ServerCommand.Maint.class,
            ServerCommand.Weight.class,
            ServerCommand.Reset.class
        })
public final class ServerCommand implements Runnable {
    static final int REFUSED = 1;
    static final int UNREACHABLE = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the node is, and its token. */
    static final class Node {
        @Option(names = "--url", defaultValue = "http://127.0.0.1:9900",
                description = "Status listener of the node (default: ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "The node's --status-token-file (default: $POINTSMAN_STATUS_TOKEN, if set).")
        Path tokenFile;

        String token() throws IOException {
            if (tokenFile != null) {
                return Files.readString(tokenFile).strip();
            }
            String env = System.getenv("POINTSMAN_STATUS_TOKEN");
            return env == null || env.isBlank() ? null : env.strip();
        }

        String base() {
            return url.replaceAll("/+$", "");
        }
    }

    /** A response, or the exit code and message when there is none to show. */
    private record Answer(int status, String body) {
    }

    private static Answer send(Node node, String method, String path, String form, PrintWriter err)
            throws InterruptedException {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base() + path)).timeout(Duration.ofSeconds(10));
            String token = node.token();
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (form != null) {
                b.header("Content-Type", "application/x-www-form-urlencoded");
                b.method(method, HttpRequest.BodyPublishers.ofString(form));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException | IllegalArgumentException e) {
            err.println("pointsman server: cannot reach " + node.url + ": " + e.getMessage());
            err.flush();
            return null;
        }
    }

    /** Prints why a node said no and returns the exit code. */
    private static int refused(Answer a, PrintWriter err) {
        String body = a.body() == null ? "" : a.body().strip();
        if (a.status() == 401) {
            err.println("pointsman server: the node wants its status token: --token-file FILE or POINTSMAN_STATUS_TOKEN");
        } else if (a.status() == 404 || a.status() == 405) {
            err.println("pointsman server: this node has no /servers (HTTP " + a.status() + "): an older version?");
        } else {
            err.println("pointsman server: " + body + " (HTTP " + a.status() + ")");
        }
        err.flush();
        return REFUSED;
    }

    /** {@code web/web1} → {@code /servers/web/web1}, each part URL-encoded. */
    static String serverPath(String backendSlashServer) {
        int slash = backendSlashServer.indexOf('/');
        if (slash <= 0 || slash == backendSlashServer.length() - 1 || backendSlashServer.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("name the server as BACKEND/SERVER, e.g. web/web1, not '"
                    + backendSlashServer + "'");
        }
        return "/servers/" + enc(backendSlashServer.substring(0, slash)) + "/" + enc(backendSlashServer.substring(slash + 1));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One line about a server after a change, from the JSON the node answered. */
    static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(v.path("backend").asText()).append('/').append(v.path("server").asText())
                .append(": ").append(v.path("state").asText()).append(", weight ").append(v.path("weight").asInt());
        if (v.path("weight").asInt() != v.path("configuredWeight").asInt()) {
            sb.append(" (git: ").append(v.path("configuredWeight").asInt()).append(')');
        }
        JsonNode o = v.path("override");
        if (o.isObject()) {
            if (!o.path("reason").asText("").isEmpty()) {
                sb.append(", reason: ").append(o.path("reason").asText());
            }
            if (o.hasNonNull("expiresAt")) {
                sb.append(", until ").append(o.path("expiresAt").asText());
            }
        } else {
            sb.append(" (as git says)");
        }
        return sb.toString();
    }

    /** Base of the commands that change one server. */
    abstract static class Change implements Callable<Integer> {
        @Mixin
        Node node = new Node();

        @Spec
        CommandSpec spec;

        /** Form fields of the change. */
        abstract Map<String, String> fields();

        abstract String server();

        String method() {
            return "POST";
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String path;
            try {
                path = serverPath(server());
            } catch (IllegalArgumentException e) {
                err.println("pointsman server: " + e.getMessage());
                err.flush();
                return ValidateCommand.USAGE;
            }
            Map<String, String> f = fields();
            String form = f.isEmpty() ? null : f.entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
            Answer a = send(node, method(), path, form, err);
            if (a == null) {
                return UNREACHABLE;
            }
            if (a.status() != 200) {
                return refused(a, err);
            }
            out.println(describe(JSON.readTree(a.body())));
            out.flush();
            return 0;
        }
    }

    /** Base of the state changes, which take a reason and a ttl. */
    abstract static class StateChange extends Change {
        @Parameters(index = "0", paramLabel = "BACKEND/SERVER", description = "The server, e.g. web/web1.")
        String server;

        @Option(names = "--reason", description = "Why (shown in status, the stats page, history, notifications).")
        String reason;

        @Option(names = "--ttl", paramLabel = "DURATION", description = "End by itself after this long (e.g. 2h).")
        String ttl;

        abstract String state();

        @Override
        String server() {
            return server;
        }

        @Override
        Map<String, String> fields() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("state", state());
            if (reason != null) {
                f.put("reason", reason);
            }
            if (ttl != null) {
                f.put("ttl", ttl);
            }
            return f;
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "No new connections or requests (source hash included); what it serves finishes.")
    static final class Drain extends StateChange {
        @Override
        String state() {
            return "drain";
        }
    }

    @Command(name = "maint", mixinStandardHelpOptions = true,
            description = "Maintenance: no traffic at all (MAINT); connections it has are left to finish.")
    static final class Maint extends StateChange {
        @Override
        String state() {
            return "maint";
        }
    }

    @Command(name = "ready", mixinStandardHelpOptions = true,
            description = "Takes traffic again (ends drain or maint; a weight override stays).")
    static final class Ready extends StateChange {
        @Override
        String state() {
            return "ready";
        }
    }

    @Command(name = "weight", mixinStandardHelpOptions = true,
            description = "Balance with another weight: 0-256, or N% of the weight in git.")
    static final class Weight extends Change {
        @Parameters(index = "0", paramLabel = "BACKEND/SERVER", description = "The server, e.g. web/web1.")
        String server;

        @Parameters(index = "1", paramLabel = "WEIGHT", description = "0-256 or N%, e.g. 50%.")
        String weight;

        @Option(names = "--reason", description = "Why.")
        String reason;

        @Option(names = "--ttl", paramLabel = "DURATION", description = "End by itself after this long.")
        String ttl;

        @Override
        String server() {
            return server;
        }

        @Override
        Map<String, String> fields() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("weight", weight);
            if (reason != null) {
                f.put("reason", reason);
            }
            if (ttl != null) {
                f.put("ttl", ttl);
            }
            return f;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Back to what git says: state and weight (DELETE /servers/BACKEND/SERVER).")
    static final class Reset extends Change {
        @Parameters(index = "0", paramLabel = "BACKEND/SERVER", description = "The server, e.g. web/web1.")
        String server;

        @Override
        String server() {
            return server;
        }

        @Override
        String method() {
            return "DELETE";
        }

        @Override
        Map<String, String> fields() {
            return Map.of();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every server of the node: state, health, weight, connections, runtime override.")
    static final class ListServers implements Callable<Integer> {
        @Mixin
        Node node = new Node();

        @Option(names = "--json", description = "Print the node's JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Answer a = send(node, "GET", "/servers", null, err);
            if (a == null) {
                return UNREACHABLE;
            }
            if (a.status() != 200) {
                return refused(a, err);
            }
            if (json) {
                out.println(a.body().strip());
                out.flush();
                return 0;
            }
            JsonNode root = JSON.readTree(a.body());
            String fmt = "%-24s %-6s %-6s %-8s %-6s %s%n";
            out.printf(fmt, "SERVER", "STATE", "HEALTH", "WEIGHT", "CONNS", "RUNTIME OVERRIDE");
            for (JsonNode v : root.path("servers")) {
                String weight = v.path("weight").asInt() == v.path("configuredWeight").asInt()
                        ? v.path("weight").asText() : v.path("weight").asText() + "*";
                JsonNode o = v.path("override");
                String override = "-";
                if (o.isObject()) {
                    override = (o.hasNonNull("state") ? o.path("state").asText() : "")
                            + (o.hasNonNull("weight") ? (o.hasNonNull("state") ? ", " : "") + "weight " + o.path("weight").asText() : "")
                            + (o.path("reason").asText("").isEmpty() ? "" : " (" + o.path("reason").asText() + ")")
                            + " by " + o.path("by").asText() + " at " + o.path("setAt").asText()
                            + (o.hasNonNull("expiresAt") ? ", until " + o.path("expiresAt").asText() : "");
                }
                out.printf(fmt, v.path("backend").asText() + "/" + v.path("server").asText(), v.path("state").asText(),
                        v.path("healthy").asBoolean() ? "up" : "down", weight, v.path("currentConnections").asText(),
                        override);
            }
            for (JsonNode d : root.path("runtimeOverridesDropped")) {
                out.println("dropped: " + d.path("backend").asText() + "/" + d.path("server").asText() + " ("
                        + d.path("override").asText() + ") at " + d.path("at").asText() + ": " + d.path("revision").asText()
                        + " has no such server");
            }
            out.flush();
            return 0;
        }
    }
}

package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pointsman.agent.node.TemplateRepo;
import io.pointsman.agent.sync.CentralRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI files of {@code config-repo-template/} (GitHub Actions, GitLab CI) are valid YAML and
 * every pointsman command they run works: each is run here, in a repo made from the template
 * with a pull request's commit on top, with the CI's variables filled in.
 */
class CiFilesTest {
    private static final Pattern JAR_CALL = Pattern.compile("java -jar \"?[^\" ]*pointsman\\.jar\"? ([^>|\\n]*)");

    @TempDir
    Path tmp;

    @Test
    void githubActionsRunsValidateAndPostsTheMarkdownDiff() throws Exception {
        List<String> calls = pointsmanCalls(Path.of("..", "config-repo-template", ".github", "workflows", "pointsman.yml"));
        assertEquals(2, calls.size(), calls.toString());
        runAll(calls, "${{ github.event.pull_request.base.sha }}");
    }

    @Test
    void gitlabCiRunsValidateAndPostsTheMarkdownDiff() throws Exception {
        List<String> calls = pointsmanCalls(Path.of("..", "config-repo-template", ".gitlab-ci.yml"));
        assertEquals(2, calls.size(), calls.toString());
        runAll(calls, "$CI_MERGE_REQUEST_DIFF_BASE_SHA");
    }

    /** Runs each call in a template repo with one commit on top; the base variable is the first commit. */
    private void runAll(List<String> calls, String baseVariable) throws Exception {
        Path repo = tmp.resolve("lb-config");
        Files.createDirectories(repo);
        TemplateRepo.copyTemplate(repo);
        CentralRepo.git(tmp, "init", "-q", "-b", "main", repo.toString());
        CentralRepo.git(repo, "add", "-A");
        CentralRepo.git(repo, "commit", "-q", "-m", "template");
        String base = CentralRepo.git(repo, "rev-parse", "HEAD").strip();
        Path proxy = repo.resolve("proxy.yaml");
        Files.writeString(proxy, Files.readString(proxy).replace("retries: 3", "retries: 2"));
        CentralRepo.git(repo, "commit", "-q", "-am", "a pull request");
        boolean sawDiff = false;
        boolean sawValidate = false;
        for (String call : calls) {
            String filled = call.replace(baseVariable, base).replace("\"", "").strip();
            List<String> args = new ArrayList<>(List.of(filled.split("\\s+")));
            if (args.get(0).equals("diff")) {
                args.add(repo.toString());
                CliRun r = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, r.exitCode(), call + "\n" + r.err() + r.out());
                assertTrue(r.out().startsWith("### Pointsman preview: `" + base.substring(0, 7) + "` → `HEAD ("), r.out());
                assertTrue(r.out().contains("| lb1 | ✅ valid | 4 | 5/5 pass |"), r.out());
                assertTrue(r.out().contains("~ defaults: retries"), r.out());
                sawDiff = true;
            } else {
                assertEquals("validate", args.get(0), call);
                args.replaceAll(a -> a.equals(".") ? repo.toString() : a);
                CliRun r = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, r.exitCode(), call + "\n" + r.err() + r.out());
                assertTrue(r.out().contains("valid (proxy.yaml; nodes: lb1, lb2)"), r.out());
                sawValidate = true;
            }
        }
        assertTrue(sawDiff && sawValidate);
    }

    /** The argument lists of every {@code java -jar …pointsman.jar …} in the file's shell steps. */
    private static List<String> pointsmanCalls(Path file) throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        List<String> calls = new ArrayList<>();
        collect(root, calls);
        return calls;
    }

    private static void collect(JsonNode n, List<String> calls) {
        if (n.isTextual()) {
            Matcher m = JAR_CALL.matcher(n.asText());
            while (m.find()) {
                calls.add(m.group(1).replaceAll("\\|\\|.*", "").strip());
            }
        }
        n.forEach(child -> collect(child, calls));
    }
}

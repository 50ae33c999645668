package io.pointsman.agent.preview;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A preview of every node, written as text (a terminal), markdown (a pull-request comment:
 * a summary table, then each node's changes in a {@code diff} block) or JSON (for tools).
 */
public record PreviewReport(ConfigSource from, ConfigSource to, List<Preview> nodes) {
    public enum Format { TEXT, MARKDOWN, JSON }

    public PreviewReport {
        nodes = List.copyOf(nodes);
    }

    /** Every node's new side would be applied. */
    public boolean valid() {
        return nodes.stream().allMatch(Preview::valid);
    }

    public String render(Format format) {
        return switch (format) {
            case TEXT -> text();
            case MARKDOWN -> markdown();
            case JSON -> json();
        };
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("pointsman diff: ").append(from.describe()).append(" -> ").append(to.describe()).append('\n');
        for (Preview p : nodes) {
            sb.append('\n').append("node ").append(p.nodeName()).append(": ").append(verdict(p)).append('\n');
            if (p.fromProblem() != null) {
                sb.append("  note: ").append(p.fromProblem()).append("; changes are shown against an empty config\n");
            }
            if (!p.valid()) {
                p.errors().forEach(e -> sb.append("  ").append(e).append('\n'));
            }
            if (p.changes().isEmpty()) {
                sb.append("  no changes\n");
            }
            p.changes().forEach(c -> sb.append("  ").append(c).append('\n'));
        }
        return sb.toString();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("### Pointsman preview: ").append(code(from.describe())).append(" → ").append(code(to.describe()))
                .append("\n\n");
        sb.append(valid() ? "Every node would apply this change.\n\n"
                : "**Refused:** at least one node would not apply this change.\n\n");
        sb.append("| node | result | changes | route tests |\n|---|---|---|---|\n");
        for (Preview p : nodes) {
            sb.append("| ").append(cell(p.nodeName())).append(" | ").append(p.valid() ? "✅ valid" : "❌ refused")
                    .append(" | ").append(p.changes().size()).append(" | ").append(testsCell(p)).append(" |\n");
        }
        for (Preview p : nodes) {
            sb.append("\n#### ").append(p.nodeName()).append("\n\n");
            if (p.fromProblem() != null) {
                sb.append("_Note: ").append(cell(p.fromProblem())).append("; changes are shown against an empty config._\n\n");
            }
            if (!p.valid()) {
                sb.append("Refused:\n\n```\n");
                p.errors().forEach(e -> sb.append(fence(e)).append('\n'));
                sb.append("```\n\n");
            }
            if (p.changes().isEmpty()) {
                sb.append("No changes.\n");
            } else {
                sb.append("```diff\n");
                p.changes().forEach(c -> sb.append(fence(c)).append('\n'));
                sb.append("```\n");
            }
        }
        return sb.toString();
    }

    String json() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.set("from", side(m, from));
        root.set("to", side(m, to));
        root.put("valid", valid());
        ArrayNode list = root.putArray("nodes");
        for (Preview p : nodes) {
            ObjectNode n = list.addObject();
            n.put("node", p.node());
            n.put("valid", p.valid());
            ArrayNode errors = n.putArray("errors");
            p.errors().forEach(errors::add);
            ArrayNode changes = n.putArray("changes");
            p.changes().forEach(changes::add);
            ObjectNode tests = n.putObject("tests");
            tests.put("total", p.tests());
            tests.put("failed", p.failedTests().size());
            n.put("fromProblem", p.fromProblem());
        }
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode side(ObjectMapper m, ConfigSource s) {
        ObjectNode o = m.createObjectNode();
        o.put("label", s.label());
        o.put("revision", s.revision());
        return o;
    }

    private static String verdict(Preview p) {
        if (!p.valid()) {
            return p.tests() > 0 ? "REFUSED (" + p.failedTests().size() + " of " + p.tests() + " route tests fail)"
                    : "REFUSED";
        }
        return "valid" + (p.tests() == 0 ? "" : ", " + p.tests() + " route test" + (p.tests() == 1 ? "" : "s") + " pass");
    }

    private static String testsCell(Preview p) {
        if (p.tests() == 0) {
            return p.valid() ? "none" : "–";
        }
        return (p.tests() - p.failedTests().size()) + "/" + p.tests() + " pass";
    }

    private static String code(String s) {
        return "`" + s.replace("`", "'") + "`";
    }

    /** A table cell: no pipes or line breaks. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** A line inside a fenced block must not end the block. */
    private static String fence(String s) {
        return s.replace("```", "'''");
    }
}

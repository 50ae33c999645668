package io.pointsman.agent.importer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pointsman.agent.importer.keepalived.KeepalivedImport;
import io.pointsman.agent.importer.report.Finding;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the whole import with arbitrary haproxy.cfg (and keepalived.conf) bytes: parse,
 * translate, validate the result, generate and check route tests. For any input it either
 * refuses with the lines at fault or produces a repo; it never throws, and it never produces
 * a config that does not validate (the import checks its own output, and a failure there is
 * the importer's bug, which is what this looks for). An input holding the line
 * {@code ---keepalived---} is haproxy.cfg before it and keepalived.conf after it.
 *
 * <p>{@code ./test} runs it in fuzzing mode for a bounded time (fuzz-targets.txt); a plain
 * {@code mvn test} runs the seeds in {@code HaproxyImportFuzzTestInputs/}.
 */
class HaproxyImportFuzzTest {
    private static final byte[] SEPARATOR = "\n---keepalived---\n".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "30s")
    void importsOrRefusesAndNeverWritesAnInvalidConfig(FuzzedDataProvider data) {
        byte[] all = data.consumeRemainingAsBytes();
        int at = indexOf(all, SEPARATOR);
        byte[] cfg = at < 0 ? all : Arrays.copyOfRange(all, 0, at);
        List<KeepalivedImport.NodeFile> keepalived = at < 0 ? List.of() : List.of(new KeepalivedImport.NodeFile("lb1",
                "keepalived.conf", new String(all, at + SEPARATOR.length, all.length - at - SEPARATOR.length,
                StandardCharsets.UTF_8)));
        HaproxyImport.Outcome o = HaproxyImport.translate(new HaproxyImport.Input("haproxy.cfg", cfg, null, keepalived,
                null, v -> null));
        assertNotNull(o);
        for (String p : o.problems()) {
            assertFalse(p.contains("does not validate"), p);
            assertFalse(p.startsWith(HaproxyImport.INTERNAL_ERROR), p);
        }
        if (o.status() == HaproxyImport.REFUSED) {
            assertTrue(!o.problems().isEmpty(), "a refusal says why");
            assertTrue(o.files().isEmpty(), "a refusal writes nothing");
        } else {
            assertTrue(o.files().containsKey("proxy.yaml"));
            assertTrue(o.findings().stream().noneMatch(f -> f.kind() == Finding.Kind.ERROR));
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

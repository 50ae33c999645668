package io.pointsman.proxy.tls;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the PEM reader with files made of PEM blocks around arbitrary bytes (keys in every
 * form it takes apart by hand, certificates, CRLs): whatever a file holds, reading it gives
 * a result or a {@link TlsSetupException} naming the file, never another exception, and no
 * message holds the file's bytes.
 *
 * <p>{@code ./test} runs it in fuzzing mode for a bounded time (fuzz-targets.txt).
 */
class PemFuzzTest {
    private static final String[] LABELS = {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "CERTIFICATE",
        "X509 CRL", "ENCRYPTED PRIVATE KEY", "EC PARAMETERS"};

    @FuzzTest(maxDuration = "30s")
    void readsOrRefusesWithTheFileNamed(FuzzedDataProvider data) throws Exception {
        StringBuilder text = new StringBuilder();
        int blocks = data.consumeInt(0, 3);
        for (int i = 0; i < blocks; i++) {
            String label = LABELS[data.consumeInt(0, LABELS.length - 1)];
            byte[] body = data.consumeBytes(data.consumeInt(0, 512));
            text.append("-----BEGIN ").append(label).append("-----\n");
            if (data.consumeBoolean()) {
                text.append("Proc-Type: 4,ENCRYPTED\n");
            }
            text.append(java.util.Base64.getMimeEncoder().encodeToString(body)).append('\n');
            text.append("-----END ").append(label).append("-----\n");
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes(text.toString().getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(data.consumeRemainingAsBytes());
        Path file = Files.createTempFile("pem-fuzz", ".pem");
        try {
            Files.write(file, bytes.toByteArray());
            read(() -> Pem.certificates(file), file);
            read(() -> Pem.privateKeyOrNull(file), file);
            read(() -> Pem.crls(file), file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private interface Read {
        Object get();
    }

    private static void read(Read read, Path file) {
        try {
            read.get();
        } catch (TlsSetupException e) {
            if (!e.getMessage().contains(file.toString())) {
                throw new AssertionError("the message does not name the file: " + e.getMessage());
            }
        }
    }
}

package io.pointsman.proxy.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorPagesTest {
    @TempDir
    Path dir;

    @Test
    void anErrorFileIsServedWithTheProxysFraming() throws Exception {
        Path f = dir.resolve("503.http");
        Files.writeString(f, "HTTP/1.0 503 Service Unavailable\nCache-Control: no-cache\nConnection: close\n"
                + "Content-Length: 999\nContent-Type: text/html\n\n<h1>down</h1>\n", StandardCharsets.ISO_8859_1);
        ErrorPages pages = ErrorPages.load(Map.of(503, f.toString()));
        Answer a = pages.page(503);
        assertEquals("HTTP/1.1 503 Service Unavailable\r\nCache-Control: no-cache\r\nContent-Type: text/html\r\n"
                + "Content-Length: 14\r\nConnection: close\r\n\r\n<h1>down</h1>\n", a.toWire(true));
        assertTrue(new String(pages.page(403).body(), StandardCharsets.US_ASCII).contains("403 Forbidden"),
                "other statuses keep HAProxy's page");
    }

    @Test
    void aMissingOrBrokenFileFailsTheApplyNamingIt() throws Exception {
        ErrorPages.ErrorFileException missing = assertThrows(ErrorPages.ErrorFileException.class,
                () -> ErrorPages.load(Map.of(503, dir.resolve("nope.http").toString())));
        assertTrue(missing.getMessage().startsWith("errorfile " + dir.resolve("nope.http") + ": cannot read it"),
                missing.getMessage());
        Path bad = dir.resolve("bad.http");
        Files.writeString(bad, "<html>just a page</html>\n\n");
        ErrorPages.ErrorFileException broken = assertThrows(ErrorPages.ErrorFileException.class,
                () -> ErrorPages.load(Map.of(503, bad.toString())));
        assertTrue(broken.getMessage().contains("not an HTTP response"), broken.getMessage());
    }
}

package io.pointsman.proxy.http.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written byte checks agree with the grammars HeadScannerTest holds the old ones to. */
class RequestSyntaxTest {
    private static final Pattern HOST = Pattern.compile(
            "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(:[0-9]{0,5})?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final Pattern REQUEST_LINE =
            Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+ [\\x21-\\x7E]+ HTTP/1\\.[0-9]"); // 1.2-1.9 are 1.1 (RFC 9110 §2.5)

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void hostAndContentLengthChecksAgreeWithTheirGrammar() {
        List<String> hosts = List.of("a", "a.example", "a.example:80", "a:", "a:123456", "a:12345", "[::1]",
                "[::1]:8080", "[::1", "[]", "[::1]x", "[g::1]", "a b", "a@b", "", ":80", "A-Z_~!$&'()*+,;=%",
                "a:8x", "\u00e9", "[::ffff:1.2.3.4]:1", "a::80", "a:80:80");
        for (String h : hosts) {
            byte[] b = latin1("x" + h + "y");
            assertEquals(HOST.matcher(h).matches(), RequestSyntax.isHost(b, 1, b.length - 1), h);
        }
        List<String> lengths = List.of("0", "12", "", "-1", "+1", "1 ", "123456789012345678", "1234567890123456789",
                "0x10", "\u00b9");
        for (String l : lengths) {
            byte[] b = latin1(l);
            long v = RequestSyntax.digits(b, 0, b.length);
            assertEquals(DIGITS.matcher(l).matches(), v >= 0, l);
            if (v >= 0) {
                assertEquals(Long.parseLong(l), v);
            }
        }
    }

    @Test
    void requestLineCheckAgreesWithTheGrammar() {
        List<String> lines = List.of("GET / HTTP/1.1", "GET / HTTP/1.0", "OPTIONS * HTTP/1.1",
                "M-SEARCH /a?b=c&d HTTP/1.1", "GET http://a.example/x HTTP/1.1", "GET  / HTTP/1.1",
                "GET /  HTTP/1.1", "GET / HTTP/1.2", "GET / HTTP/1.9", "GET / HTTP/2.0", "GET / http/1.1", "GET / HTTP/1.1 ",
                " GET / HTTP/1.1", "GET\t/ HTTP/1.1", "GET / HTTP/1.", "GET / HTTP/1.10", "G(T / HTTP/1.1",
                "GET /\u00e9 HTTP/1.1", "GET", "GET HTTP/1.1", "GET  HTTP/1.1", "/ HTTP/1.1",
                "GET /x\u007f HTTP/1.1", "GET / XTTP/1.1", "GET / HTTP-1.1", "GET / HTTP/1,1", "\u00e9ET / HTTP/1.1");
        for (String line : lines) {
            boolean accepted = RequestHeads.parseAll(line + "\r\n\r\n").stream()
                    .noneMatch(s -> s.startsWith("refused: malformed request line"));
            assertEquals(REQUEST_LINE.matcher(line).matches(), accepted, line);
        }
    }
}

package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HeadScannerTest {
    /** The regex the hand-written check replaced: both must agree on every line. */
    private static final Pattern REQUEST_LINE =
            Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+ [\\x21-\\x7E]+ HTTP/1\\.[01]");

    @Test
    void requestLineCheckAgreesWithTheGrammar() {
        List<String> lines = List.of("GET / HTTP/1.1", "GET / HTTP/1.0", "OPTIONS * HTTP/1.1",
                "M-SEARCH /a?b=c&d HTTP/1.1", "GET http://a.example/x HTTP/1.1", "GET  / HTTP/1.1",
                "GET /  HTTP/1.1", "GET / HTTP/1.2", "GET / HTTP/2.0", "GET / http/1.1", "GET / HTTP/1.1 ",
                " GET / HTTP/1.1", "GET\t/ HTTP/1.1", "GET / HTTP/1.", "GET / HTTP/1.10", "G(T / HTTP/1.1",
                "GET /\u00e9 HTTP/1.1", "GET", "", "GET HTTP/1.1", "GET  HTTP/1.1", "/ HTTP/1.1",
                "GET /x\u007f HTTP/1.1", "GET / XTTP/1.1", "GET / HTTP-1.1", "GET / HTTP/1,1", "\u00e9ET / HTTP/1.1");
        for (String line : lines) {
            assertEquals(REQUEST_LINE.matcher(line).matches(), HeadScanner.isRequestLine(line), line);
        }
    }

    private static final Pattern HOST = Pattern.compile(
            "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(:[0-9]{0,5})?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    @Test
    void hostAndContentLengthChecksAgreeWithTheirGrammar() {
        List<String> hosts = List.of("a", "a.example", "a.example:80", "a:", "a:123456", "a:12345", "[::1]",
                "[::1]:8080", "[::1", "[]", "[::1]x", "[g::1]", "a b", "a@b", "", ":80", "A-Z_~!$&'()*+,;=%",
                "a:8x", "\u00e9", "[::ffff:1.2.3.4]:1", "a::80", "a:80:80");
        for (String h : hosts) {
            assertEquals(HOST.matcher(h).matches(), RequestHygiene.isHost(h), h);
        }
        List<String> lengths = List.of("0", "12", "", "-1", "+1", "1 ", "123456789012345678", "1234567890123456789",
                "0x10", "\u0661");
        for (String l : lengths) {
            assertEquals(DIGITS.matcher(l).matches(), RequestHygiene.isDigits(l), l);
        }
    }
}

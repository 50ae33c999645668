package io.pointsman.agent.importer.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The word rules of HAProxy's parse_line() (src/tools.c), case by case. */
class LineSplitterTest {
    private static final Map<String, String> ENV = Map.of("PORT", "8080", "ADDRS", "10.0.0.1:80  10.0.0.2:80");

    private static List<String> words(String line) {
        LineSplitter.Result r = LineSplitter.split(line, ENV::get, new LineSplitter.Context(7, "haproxy.cfg", "frontend web"));
        assertTrue(r.ok(), () -> "refused: " + r.error());
        return r.words();
    }

    private static LineSplitter.Result refused(String line) {
        LineSplitter.Result r = LineSplitter.split(line, ENV::get, new LineSplitter.Context(1, "f", null));
        assertFalse(r.ok(), "expected a refusal of " + line);
        return r;
    }

    @Test
    void blanksSeparateAndHashStartsACommentEvenInsideAWord() {
        assertEquals(List.of("bind", ":80", "name", "web"), words("bind\t:80   name web  "));
        assertEquals(List.of("redirect", "location", "/a"), words("redirect location /a#anchor"));
        assertEquals(List.of("acl", "x", "path", "/a#b"), words("acl x path /a\\#b"));
        assertEquals(List.of("acl", "x", "path", "/a#b"), words("acl x path \"/a#b\""));
        assertEquals(List.of(), words("   # only a comment"));
    }

    @Test
    void quotesAndEscapes() {
        assertEquals(List.of("a b", "c"), words("\"a b\" c"));
        assertEquals(List.of("it's"), words("\"it's\""));
        assertEquals(List.of("say \"hi\""), words("'say \"hi\"'"));
        assertEquals(List.of("\\x41"), words("'\\x41'"), "nothing is escaped inside single quotes");
        assertEquals(List.of("A", "tab\there"), words("\\x41 tab\\there"));
        assertEquals(List.of("a b"), words("a\\ b"));
        assertEquals(List.of("\\1"), words("\\1"), "an unknown escape keeps its backslash");
        assertEquals(List.of("ab"), words("a\"\"b"));
        assertEquals(List.of("a\"b"), words("a\\\"b"));
    }

    @Test
    void aBackslashAtTheEndIsNoLineContinuation() {
        assertEquals(List.of("server", "a", "10.0.0.1:80", "\\"), words("server a 10.0.0.1:80 \\"));
        assertEquals(List.of("check\\"), words("check\\"));
    }

    @Test
    void anEmptyWordEndsTheLineForKeywordParsers() {
        assertEquals(List.of("use_backend", "a"), words("use_backend a \"\" if b"));
    }

    @Test
    void variablesExpandInsideDoubleQuotesOnly() {
        assertEquals(List.of(":8080"), words("\":${PORT}\""));
        assertEquals(List.of(":8080"), words("\":$PORT\""));
        assertEquals(List.of(":${PORT}"), words(":${PORT}"), "outside double quotes nothing expands");
        assertEquals(List.of(":${PORT}"), words("':${PORT}'"));
        assertEquals(List.of("x"), words("\"${UNSET}x\""), "an unset variable is empty");
        assertEquals(List.of("d:1"), words("\"${UNSET-d:1}\""));
        assertEquals(List.of("8080"), words("\"${PORT-d}\""));
        assertEquals(List.of("server", "10.0.0.1:80", "10.0.0.2:80"), words("server \"${ADDRS[*]}\""));
        assertEquals(List.of("$PORT"), words("\"\\$PORT\""));
        assertEquals(List.of("7", "haproxy.cfg", "frontend web"), words("\"$.LINE\" \"${.FILE}\" \"${.SECTION}\""));
        assertEquals(List.of("PORT"), LineSplitter.split("\"$PORT\"", ENV::get, new LineSplitter.Context(1, "f", null))
                .envUsed());
    }

    @Test
    void whatHaproxyRefuses() {
        assertEquals("unmatched quote", refused("bind \":80").error());
        assertEquals(6, refused("bind \":80").column());
        assertEquals("unmatched quote", refused("a 'b").error());
        assertEquals("forbidden first char in environment variable name", refused("\"$1\"").error());
        assertEquals("unmatched brace in environment variable name", refused("\"${PORT\"").error());
        assertEquals("truncated or invalid hexadecimal sequence", refused("\\xZ1").error());
        assertEquals("truncated or invalid word expansion sequence", refused("\"${ADDRS[1]}\"").error());
        assertTrue(refused("w ".repeat(70)).error().startsWith("too many words"));
    }
}

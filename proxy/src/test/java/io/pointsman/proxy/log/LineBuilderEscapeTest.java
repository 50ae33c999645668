package io.pointsman.proxy.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The in-place escapes behind the {@code +E} and {@code +json} log format flags, and {@code +X}'s hex. */
class LineBuilderEscapeTest {

    @Test
    void escapesOnlyWhatWasWrittenSinceTheMark() {
        LineBuilder b = new LineBuilder();
        b.ascii("keep \"this\" ");
        int mark = b.length();
        b.text("a\"b\\c]d\u0001é");
        b.escapeFrom(mark, true);
        assertEquals("keep \"this\" a\\\"b\\\\c]d\\u0001é", b.toString());

        b.reset();
        b.ascii("[x] ");
        mark = b.length();
        b.text("a\"b\\c]d");
        b.escapeFrom(mark, false);
        assertEquals("[x] a\\\"b\\\\c\\]d", b.toString());
    }

    @Test
    void nothingToEscapeLeavesTheLineAsItIs() {
        LineBuilder b = new LineBuilder();
        b.ascii("plain text");
        b.escapeFrom(0, true);
        assertEquals("plain text", b.toString());
    }

    @Test
    void hexIsUpperCaseAndPadded() {
        LineBuilder b = new LineBuilder();
        b.hex(0x1f, 4).put(' ').hex(0, 2).put(' ').hex(0x7f000001L, 8).put(' ').hex(0x123456789L, 4);
        assertEquals("001F 00 7F000001 123456789", b.toString());
    }

    @Test
    void capturedValuesAreEscapedAsHaproxyDoes() {
        LineBuilder b = new LineBuilder();
        b.escaped("a\"b#c{d|e}f\\g\u0007\u00e9", 100);
        assertEquals("a#22b#23c#7Bd#7Ce#7Df\\g#07#E9", b.toString());
    }
}

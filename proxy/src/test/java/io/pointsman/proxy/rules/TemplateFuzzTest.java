package io.pointsman.proxy.rules;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pointsman.proxy.config.Template;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.http.wire.RequestHeadsForTests;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes the {@code %[…]} template parser and expander: any text either parses or is
 * refused with {@link IllegalArgumentException} (never another exception); a parsed
 * template expands against a real exchange without failing; a text without '%' or '\'
 * expands to itself; and {@code %%} is one '%'.
 */
class TemplateFuzzTest {
    private static final Pattern GROUPS = Pattern.compile("^/(a)?(b*)(c)");

    @FuzzTest(maxDuration = "30s")
    void parsesOrRefusesAndExpandsWithoutFailing(FuzzedDataProvider data) {
        boolean replacement = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        Template t;
        try {
            t = replacement ? Template.parseReplacement(text) : Template.parse(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        RequestHead head = RequestHeadsForTests.accept("GET /abbc?v=1&x HTTP/1.1\r\nHost: a.example:81\r\n"
                + "Cookie: c=3; d=4\r\nX-In: p, q\r\n\r\n");
        try {
            RuleContext cx = new RuleContext().begin(RuleConfigs.CLIENT, head, "web", ErrorPages.DEFAULT);
            Matcher m = GROUPS.matcher(cx.path());
            m.find();
            String out = new Expander(t, false).expand(cx, m);
            if (text.indexOf('%') < 0 && (!replacement || text.indexOf('\\') < 0)) {
                assertEquals(text, out);
            }
            if (text.equals("%%")) {
                assertEquals("%", out);
            }
        } finally {
            RequestHeadParser.recycle(head);
        }
    }
}

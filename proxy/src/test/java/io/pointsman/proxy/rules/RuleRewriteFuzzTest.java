package io.pointsman.proxy.rules;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.http.HttpLimits;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.http.wire.RequestRefusedException;
import io.pointsman.proxy.routing.FrontendRouter;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the rule engine's rewriting: any head the parser accepts, through rules that copy
 * client-controlled text (headers, query parameters, the path) into header values, the path
 * and the query, is either answered by the proxy itself (a redirect, a 400 for a value that
 * may not be sent, …) or written for the server as a head the proxy's own parser accepts
 * again, with the same method and framing and no header the rules did not make (no CR/LF
 * injection, no second Content-Length).
 *
 * <p>{@code ./test} runs it in fuzzing mode for a bounded time (fuzz-targets.txt).
 */
class RuleRewriteFuzzTest {
    private static final HttpLimits LIMITS = new HttpLimits(512, 2048, 2048, 64);
    private static final HttpLimits FORWARDED = new HttpLimits(8192, 32768, 2048, 128);
    private static final SectionRules RULES = compile();

    private static SectionRules compile() {
        ProxyConfig c = RuleConfigs.load(RuleConfigs.frontend("""
                    forwardfor: { header: X-Client, if_none: true }
                    acl:
                      - { name: q, query_param: { name: to, found: true } }
                      - { name: r, path_beg: ["/r"] }
                    http_request:
                      - { redirect: { scheme: https }, if: r }
                      - { set_header: { name: X-Copy, value: "%[req.hdr(x-in)]|%[req.fhdr(x-in)]|%[url_param(v)]" } }
                      - { add_header: { name: X-Path, value: "%[path]?%[query] %[host] %[req.cook(c)]" } }
                      - { replace_header: { name: X-In, regex: "^(.*)-(.*)$", with: "\\\\2\\\\x2c\\\\1" } }
                      - { replace_header: { name: Host, regex: "^(.*)$", with: "\\\\1" } }
                      - { set_path: { value: "%[url_param(to)]" }, if: q }
                      - { replace_path: { regex: "^/a/(.*)$", with: "/b/\\\\1%[url_param(p)]" } }
                      - { set_query: { value: "%[url_param(qq)]" } }
                      - { del_query_param: { name: x } }
                      - { del_header: { name: X-Del } }
                    default_backend: app
                """));
        FrontendRouter router = FrontendRouter.compile(c.frontends().get(0));
        return SectionRules.frontend(c.frontends().get(0), router, Userlists.NONE, ErrorPages.DEFAULT);
    }

    @FuzzTest(maxDuration = "45s")
    void rewrittenHeadsParseBackAndCarryNoInjectedHeader(FuzzedDataProvider data) {
        byte[] input = data.consumeRemainingAsBytes();
        RequestHead head = parse(input, LIMITS);
        if (head == null) {
            return;
        }
        RuleContext cx = new RuleContext().begin(RuleConfigs.CLIENT, head, "web", ErrorPages.DEFAULT);
        try {
            Verdict v = RULES.request().evaluate(cx);
            if (v.kind() == Verdict.Kind.ANSWER) {
                assertTrue(io.pointsman.proxy.http.wire.HeaderEdits.isValidValue(v.answer().reason()));
                for (String[] h : v.answer().headers()) {
                    assertTrue(io.pointsman.proxy.http.wire.HeaderEdits.isValidValue(h[1]), h[1]);
                }
                return;
            }
            assertEquals(Verdict.Kind.CONTINUE, v.kind());
            ByteBuf out = Unpooled.buffer();
            try {
                head.writeForServer(out, cx.requestEdits(), "192.0.2.7", "X-Client", true, "http", "localhost:80");
                byte[] written = new byte[out.readableBytes()];
                out.readBytes(written);
                RequestHead again = parse(written, FORWARDED);
                assertNotNull(again, () -> "the written head is refused: " + new String(written, StandardCharsets.ISO_8859_1));
                try {
                    assertEquals(head.method(), again.method());
                    assertEquals(head.contentLength(), again.contentLength());
                    assertEquals(head.chunked(), again.chunked());
                    assertEquals(cx.uri(), again.uri());
                    // Every line the server gets is one the client sent, one the rules made, or the proxy's own.
                    for (int i = 0; i < again.headerCount(); i++) {
                        String name = again.headerName(i).toLowerCase(java.util.Locale.ROOT);
                        boolean known = name.startsWith("x-copy") || name.equals("x-path") || name.equals("x-client")
                                || name.equals("x-forwarded-proto") || name.equals("host") || name.equals("connection");
                        if (!known) {
                            boolean sent = false;
                            for (int j = 0; j < head.headerCount() && !sent; j++) {
                                sent = head.headerName(j).equalsIgnoreCase(name);
                            }
                            assertTrue(sent, "header '" + name + "' appeared from nowhere");
                        }
                    }
                } finally {
                    RequestHeadParser.recycle(again);
                }
            } finally {
                out.release();
            }
        } finally {
            cx.end();
            RequestHeadParser.recycle(head);
        }
    }

    private static RequestHead parse(byte[] bytes, HttpLimits limits) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            return new RequestHeadParser(limits).parse(in);
        } catch (RequestRefusedException e) {
            return null;
        } finally {
            in.release();
        }
    }
}

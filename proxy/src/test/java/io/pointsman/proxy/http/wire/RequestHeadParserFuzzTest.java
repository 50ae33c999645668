package io.pointsman.proxy.http.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.http.HttpLimits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the request-head parser, which reads bytes straight from clients. For any input,
 * fed whole or in pieces: the parser either returns a head or refuses with
 * {@link RequestRefusedException} (never another exception); the two feeds agree; and
 * what an accepted head writes for a server is itself a head the parser accepts, with the
 * same method, target and framing, so the proxy never forwards what it would refuse.
 *
 * <p>{@code ./test} runs it in fuzzing mode for a bounded time (fuzz-targets.txt); a plain
 * {@code mvn test} runs the seeds in {@code RequestHeadParserFuzzTestInputs/}.
 */
class RequestHeadParserFuzzTest {
    private static final HttpLimits LIMITS = new HttpLimits(512, 2048, 2048, 64);
    /** For the forwarded head: the proxy's own headers (X-Forwarded-*, Host) may take it past the client's limits. */
    private static final HttpLimits FORWARDED_LIMITS = new HttpLimits(1024, 4096, 2048, 64);

    @FuzzTest(maxDuration = "45s")
    void parsesOrRefusesAndForwardsOnlyWhatItAccepts(FuzzedDataProvider data) throws Exception {
        int split = data.consumeInt(0, 4096);
        byte[] input = data.consumeRemainingAsBytes();

        Outcome whole = parse(input, input.length, LIMITS);
        Outcome pieces = parse(input, Math.min(split, input.length), LIMITS);
        assertEquals(whole.describe(), pieces.describe(), "fed whole and in two pieces");
        if (whole.head == null) {
            return;
        }
        try {
            ByteBuf out = Unpooled.buffer();
            try {
                whole.head.writeForServer(out, "192.0.2.1", "http", "example.com:80");
                byte[] forwarded = new byte[out.readableBytes()];
                out.readBytes(forwarded);
                Outcome again = parse(forwarded, forwarded.length, FORWARDED_LIMITS);
                assertNotNull(again.head, () -> "forwarded head refused: " + again.refusal);
                try {
                    assertEquals(whole.head.method(), again.head.method());
                    assertEquals(whole.head.uri(), again.head.uri());
                    assertEquals(whole.head.contentLength(), again.head.contentLength());
                    assertEquals(whole.head.chunked(), again.head.chunked());
                    // HTTP/1.1 needs a Host (a 1.0 upgrade is forwarded as 1.0, as it came).
                    assertTrue(again.head.minorVersion() == 0 || again.head.host() != null,
                            "a head forwarded as HTTP/1.1 has a Host");
                } finally {
                    RequestHeadParser.recycle(again.head);
                }
            } finally {
                out.release();
            }
        } finally {
            RequestHeadParser.recycle(whole.head);
            RequestHeadParser.recycle(pieces.head);
        }
    }

    /** Parses {@code input}, the first {@code first} bytes arriving before the rest. */
    private static Outcome parse(byte[] input, int first, HttpLimits limits) {
        RequestHeadParser parser = new RequestHeadParser(limits);
        ByteBuf in = Unpooled.buffer(input.length + 1);
        try {
            in.writeBytes(input, 0, first);
            RequestHead head = parser.parse(in);
            if (head == null && first < input.length) {
                in.writeBytes(input, first, input.length - first);
                head = parser.parse(in);
            }
            return new Outcome(head, null, head == null ? -1 : in.readerIndex());
        } catch (RequestRefusedException e) {
            return new Outcome(null, e.reason(), -1);
        } finally {
            in.release();
        }
    }

    /** A head, a refusal, or neither (incomplete); {@code consumed}: where the head ended. */
    private record Outcome(RequestHead head, String refusal, int consumed) {
        String describe() {
            if (head != null) {
                return "head " + head.method() + " " + head.uri() + " (" + consumed + " bytes)";
            }
            return refusal != null ? "refused" : "incomplete";
        }
    }
}

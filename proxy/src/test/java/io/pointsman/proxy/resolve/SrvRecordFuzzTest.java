package io.pointsman.proxy.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the SRV record data a name server sends ({@code server_template} with an SRV
 * name): any bytes give a record with a target and a port, or an
 * {@link IllegalArgumentException}; nothing else escapes, and the buffer is not moved.
 */
class SrvRecordFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parsesOrRefusesWithoutOtherExceptions(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            HostResolver.SrvTarget t = DnsServerResolver.srvRecord(buf);
            assertTrue(!t.host().isEmpty() && t.port() > 0 && t.port() <= 65535, t.toString());
            assertTrue(t.priority() >= 0 && t.weight() >= 0 && t.weight() <= 65535, t.toString());
        } catch (IllegalArgumentException refused) {
            // a record we cannot read
        } finally {
            assertEquals(0, buf.readerIndex(), "the record's bytes are read from a copy of the indexes");
            buf.release();
        }
    }

    @Test
    void aWellFormedRecordAndTheEmptyTarget() {
        // priority 1, weight 300, port 8080, target web1.svc.
        byte[] ok = {0, 1, 1, 44, 31, (byte) 144, 4, 'w', 'e', 'b', '1', 3, 's', 'v', 'c', 0};
        assertEquals(new HostResolver.SrvTarget("web1.svc", 8080, 1, 300),
                DnsServerResolver.srvRecord(Unpooled.wrappedBuffer(ok)));
        byte[] none = {0, 0, 0, 0, 0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> DnsServerResolver.srvRecord(Unpooled.wrappedBuffer(none)));
        byte[] truncated = {0, 1, 1};
        assertThrows(IllegalArgumentException.class,
                () -> DnsServerResolver.srvRecord(Unpooled.wrappedBuffer(truncated)));
    }
}

package io.pointsman.proxy.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How slots follow answers, with answers the test scripts (the real DNS path is
 * {@code ServerTemplateTest}): surplus entries wait for a free slot, an SRV target that
 * stops resolving keeps its slot, weights are mapped as HAProxy maps them.
 */
class TemplateSlotsTest {

    /** Answers what the test put in its maps; anything else does not resolve. */
    private static final class Scripted implements HostResolver {
        final Map<String, List<String>> a = new HashMap<>();
        final Map<String, List<SrvTarget>> srv = new HashMap<>();

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            List<String> ips = a.get(host);
            if (ips == null || ips.isEmpty()) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> out = new ArrayList<>();
            for (String ip : ips) {
                out.add(InetAddress.getByName(ip));
            }
            return out;
        }

        @Override
        public List<SrvTarget> srv(String name) throws UnknownHostException {
            List<SrvTarget> records = srv.get(name);
            if (records == null || records.isEmpty()) {
                throw new UnknownHostException(name);
            }
            return records;
        }
    }

    @Test
    void entriesPastTheSlotsWaitForOneToFree() throws Exception {
        Scripted dns = new Scripted();
        TemplateSlots t = new TemplateSlots("b/web:80#2", "web", 80, false, 2);
        dns.a.put("web", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
        t.refresh(dns);
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), t.occupants());
        assertEquals("/10.0.0.2:80", t.slot(1).current().toString());
        dns.a.put("web", List.of("10.0.0.3", "10.0.0.2"));
        t.refresh(dns);
        assertEquals(List.of("10.0.0.3", "10.0.0.2"), t.occupants(), "the waiting one takes the freed slot");
        dns.a.remove("web");
        assertThrows(UnknownHostException.class, () -> t.refresh(dns));
        assertEquals(List.of("10.0.0.3", "10.0.0.2"), t.occupants(), "a failed resolution changes nothing");
        assertTrue(t.slot(0).valid(), "hold_valid is not set: kept for ever");
    }

    @Test
    void srvTargetsKeepTheirSlotWhileTheyStayInTheAnswer() throws Exception {
        Scripted dns = new Scripted();
        TemplateSlots t = new TemplateSlots("b/_h._tcp.s#3", "_h._tcp.s", -1, true, 3);
        dns.srv.put("_h._tcp.s", List.of(new HostResolver.SrvTarget("x", 8001, 0, 0),
                new HostResolver.SrvTarget("y", 8002, 0, 300)));
        dns.a.put("x", List.of("10.0.0.1"));
        dns.a.put("y", List.of("10.0.0.2"));
        assertTrue(t.refresh(dns), "weights set");
        assertEquals(Arrays.asList("x:8001", "y:8002", null), t.occupants());
        assertEquals(0, t.slot(0).weight(), "SRV weight 0 stays 0");
        assertEquals(2, t.slot(1).weight(), "(300 + 255) / 256");
        assertEquals(8002, t.slot(1).current().getPort());
        assertFalse(t.slot(2).valid(), "an empty slot takes no traffic");

        // x's address stops resolving: it keeps its slot and address; y moves.
        dns.a.remove("x");
        dns.a.put("y", List.of("10.0.0.9"));
        assertFalse(t.refresh(dns), "no weight moved");
        assertEquals(Arrays.asList("x:8001", "y:8002", null), t.occupants());
        assertEquals("/10.0.0.1:8001", t.slot(0).current().toString());
        assertEquals("/10.0.0.9:8002", t.slot(1).current().toString());

        // x leaves the records: its slot empties; a new record takes the first free slot.
        dns.srv.put("_h._tcp.s", List.of(new HostResolver.SrvTarget("y", 8002, 0, 300),
                new HostResolver.SrvTarget("z", 8003, 0, 10)));
        dns.a.put("z", List.of("10.0.0.3"));
        assertTrue(t.refresh(dns));
        assertEquals(Arrays.asList("z:8003", "y:8002", null), t.occupants());
        assertEquals(1, t.slot(0).weight());
    }
}

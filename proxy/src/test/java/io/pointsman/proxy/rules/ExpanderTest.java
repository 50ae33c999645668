package io.pointsman.proxy.rules;

import io.pointsman.proxy.config.Template;
import io.pointsman.proxy.http.wire.RequestHeadsForTests;
import io.pointsman.proxy.routing.ConnectionFacts;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpanderTest {
    private static String expand(String template) {
        RuleContext cx = new RuleContext().begin(ConnectionFacts.of("2001:db8::1", 5555, 443),
                RequestHeadsForTests.accept("POST /p/q?a=1&b=2 HTTP/1.1\r\nHost: Ex.Example:8443\r\nX-L: 1, 2\r\n"
                        + "X-L: 3 , 4 \r\nCookie: s=1; s=2\r\nContent-Length: 0\r\n\r\n"), "fe", ErrorPages.DEFAULT);
        cx.chooseBackend("be", ErrorPages.DEFAULT);
        return new Expander(Template.parse(template), false).expand(cx, null);
    }

    @Test
    void variables() {
        assertEquals("2001:db8::1 5555 443 0", expand("%[src] %[src_port] %[dst_port] %[ssl_fc]"));
        assertEquals("POST /p/q a=1&b=2 /p/q?a=1&b=2 ex.example", expand("%[method] %[path] %[query] %[pathq] %[host]"));
        assertEquals("4|3 , 4|2|1", expand("%[req.hdr(x-l)]|%[req.fhdr(X-L)]|%[req.cook(s)]|%[url_param(a)]"));
        assertEquals("fe be  ", expand("%[fe_name] %[be_name] %[unique_id] %[ssl_fc_sni]"));
        assertEquals("100% of %[x]", expand("100%% of %%[x]"));
        assertEquals("50%-off", expand("50%-off"), "a '%' before another character is literal, as HAProxy");
    }

    @Test
    void refusedTemplates() {
        for (String bad : new String[] {"%[nope]", "%[path,lower]", "%ci", "%{+Q}[src]", "100%", "%1", "%[req.hdr]",
                "%[src(x)]", "%[path"}) {
            assertThrows(IllegalArgumentException.class, () -> Template.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Template.parseReplacement("a\\"));
        assertThrows(IllegalArgumentException.class, () -> Template.parseReplacement("\\xZ1"));
    }

    @Test
    void certificateFields() {
        assertEquals("00FF01".substring(2), Expander.Certificates.serial(new BigInteger("FF01", 16)));
        assertEquals("0A", Expander.Certificates.serial(BigInteger.TEN));
        javax.security.auth.x500.X500Principal p = new javax.security.auth.x500.X500Principal("CN=alice, O=Example, C=FR");
        assertEquals("CN=alice,O=Example,C=FR", Expander.Certificates.dn(p, null));
        assertEquals("alice", Expander.Certificates.dn(p, "cn"));
        assertTrue(Expander.Certificates.dn(p, "OU") == null);
    }
}

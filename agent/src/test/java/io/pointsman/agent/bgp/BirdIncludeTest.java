package io.pointsman.agent.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BirdIncludeTest {
    @TempDir
    Path dir;

    private static final List<String> ROUTES = BirdInclude.hostRoutes(
            List.of("192.0.2.10/32", "2001:db8::10/128", "192.0.2.11", "2001:DB8::11"));

    @Test
    void bareAddressesGetTheirHostPrefix() {
        assertEquals(List.of("192.0.2.10/32", "2001:db8::10/128", "192.0.2.11/32", "2001:DB8::11/128"), ROUTES);
    }

    @Test
    void announcedIncludeHoldsEachRouteInItsFamilysProtocol() {
        String text = BirdInclude.render("lb1", ROUTES, true, "announced");
        assertEquals("""
                # Rendered by Pointsman for node lb1: announced.
                # Do not edit: change the bgp section of the config repo (proxy.yaml, hosts/lb1.yaml).
                # Export these routes from your BGP protocol: export where source = RTS_STATIC;

                protocol static pointsman4 {
                    ipv4;
                    route 192.0.2.10/32 blackhole;
                    route 192.0.2.11/32 blackhole;
                }

                protocol static pointsman6 {
                    ipv6;
                    route 2001:db8::10/128 blackhole;
                    route 2001:DB8::11/128 blackhole;
                }
                """, text);
        assertEquals(text, BirdInclude.render("lb1", ROUTES, true, "announced"), "same input, same bytes");
    }

    @Test
    void withdrawnIncludeKeepsBothProtocolsWithoutRoutes() {
        String text = BirdInclude.render("lb1", ROUTES, false, "withdrawn (suspended)");
        assertTrue(text.startsWith("# Rendered by Pointsman for node lb1: withdrawn (suspended).\n"), text);
        assertTrue(text.contains("protocol static pointsman4 {\n    ipv4;\n}\n"), text);
        assertTrue(text.contains("protocol static pointsman6 {\n    ipv6;\n}\n"), text);
        assertFalse(text.contains("route "), text);
    }

    @Test
    void aNewlineInANodeNameCannotEscapeTheComment() {
        String text = BirdInclude.render("lb1\nprotocol static evil { ipv4; }", ROUTES, true, "announced");
        assertFalse(text.contains("\nprotocol static evil"), text);
    }

    @Test
    void realBirdParsesBothRenderings() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        Bird bird = Bird.installed();
        Path target = dir.resolve("pointsman.conf");
        assertTrue(bird.check(BirdInclude.render("lb1", ROUTES, true, "announced"), target));
        assertTrue(bird.check(BirdInclude.withdrawn("lb1", "stopping"), target));
        assertFalse(Files.exists(target), "a check writes nothing where the include goes");
        assertFalse(Files.exists(dir.resolve("pointsman.conf.pointsman-check")), "the scratch file is removed");
    }

    @Test
    void birdPRefusalNamesTheIncludeAndTheLine() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        Path target = dir.resolve("pointsman.conf");
        BgpException e = assertThrows(BgpException.class, () -> Bird.installed().check(
                "# one line\nprotocol static pointsman4 { ipv4; route 192.0.2.0/33 blackhole; }\n", target));
        assertTrue(e.refused());
        assertTrue(e.getMessage().startsWith("bird -p refused the rendered include: " + target + ":2:"), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid prefix length 33"), e.getMessage());
    }
}

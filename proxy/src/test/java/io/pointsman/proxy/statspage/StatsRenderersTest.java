package io.pointsman.proxy.statspage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.proxy.config.StatsAuth;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsRenderersTest {
    private final StatsReport report = SampleReports.sample();

    // --- HTML -----------------------------------------------------------------------

    @Test
    void htmlHeaderShowsNodeShortCommitWithFullTooltipGenerationAndRefresh() {
        String html = HtmlStatsPage.render(report);
        assertTrue(html.contains("<meta http-equiv=\"refresh\" content=\"20\">"), "auto refresh");
        assertTrue(html.contains("<span class=\"revision\" title=\"" + SampleReports.REVISION + "\">0123456</span>"));
        assertTrue(html.contains("<span class=\"generation\">42</span>"));
        assertTrue(html.contains("lb&lt;1&gt;"), "node escaped");
        assertTrue(html.contains("1d1h"), "uptime 90061s as HAProxy shows it");
    }

    @Test
    void htmlHasNoRefreshWhenDisabled() {
        StatsReport noRefresh = new StatsReport("n", "v", "", 1, 0, report.time(), 0, report.proxies());
        assertFalse(HtmlStatsPage.render(noRefresh).contains("http-equiv=\"refresh\""));
    }

    @Test
    void htmlRowsColouredByStatusLikeHaproxy() {
        String html = HtmlStatsPage.render(report);
        assertRow(html, "active_up", "web0", "UP");
        assertRow(html, "active_going_down", "web1", "UP 1/3");
        assertRow(html, "active_going_up", "web2", "DOWN 1/2");
        assertRow(html, "maintain", "web3", "MAINT");
        assertRow(html, "backup_no_check", "spare", "no check");
        assertRow(html, "active_down", "live&quot;0\\", "DOWN");
        assertRow(html, "frontend", "FRONTEND", "OPEN");
        assertRow(html, "backend", "BACKEND", "UP");
        assertTrue(html.contains("L7STS/503 in 12ms"), "last check with code and duration");
    }

    private static void assertRow(String html, String cssClass, String name, String status) {
        Pattern p = Pattern.compile("<tr class=\"" + Pattern.quote(cssClass) + "\"><td class=ac>" + Pattern.quote(name)
                + "</td>.*?<span class=\"status\">" + Pattern.quote(status) + "</span>");
        assertTrue(p.matcher(html).find(), () -> "row " + name + " " + status + " as " + cssClass);
    }

    @Test
    void htmlEscapesEveryConfigValue() {
        String html = HtmlStatsPage.render(report);
        assertFalse(html.contains("app<customer1>"));
        assertTrue(html.contains("app&lt;customer1&gt;"));
        assertFalse(html.contains("lb<1>"));
        String evil = "<script>alert('x')</script>";
        StatsReport r = new StatsReport(evil, evil, evil, 1, 0, report.time(), 0, List.of(new ProxySection(evil, evil,
                StatsRow.builder(RowType.FRONTEND, evil, evil).build(), List.of(), null)));
        String page = HtmlStatsPage.render(r);
        assertFalse(page.contains("<script>"), page);
        assertFalse(page.contains("'x'"));
    }

    // --- CSV ------------------------------------------------------------------------

    @Test
    void csvHeaderIsHaproxyColumnOrder() {
        String first = CsvStats.render(report).lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,"
                + "eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,"
                + "throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,"), first);
    }

    @Test
    void csvRowsInHaproxyOrderWithValuesInTheirColumns() {
        List<String> lines = CsvStats.render(report).lines().toList();
        assertEquals(1 + 1 + 6 + 3, lines.size());
        List<String> names = lines.stream().skip(1).map(l -> l.split(",")[0] + "/" + l.split(",")[1]).toList();
        assertEquals(List.of("public-http/FRONTEND", "web-farm/web0", "web-farm/web1", "web-farm/web2",
                "web-farm/web3", "web-farm/spare", "web-farm/BACKEND", "app<customer1>/FRONTEND",
                "app<customer1>/\"live\"\"0\\\"", "app<customer1>/BACKEND"), names);
        List<String> cols = CsvStats.COLUMNS;
        String[] fe = cells(lines.get(1));
        assertEquals(cols.size(), fe.length);
        assertEquals("3", fe[cols.indexOf("scur")]);
        assertEquals("17", fe[cols.indexOf("smax")]);
        assertEquals("4000", fe[cols.indexOf("slim")]);
        assertEquals("1234", fe[cols.indexOf("stot")]);
        assertEquals("1000", fe[cols.indexOf("bin")]);
        assertEquals("2000", fe[cols.indexOf("bout")]);
        assertEquals("5", fe[cols.indexOf("ereq")]);
        assertEquals("OPEN", fe[cols.indexOf("status")]);
        assertEquals("0", fe[cols.indexOf("type")]);
        assertEquals("", fe[cols.indexOf("qcur")], "no queue on a frontend");
        String[] web1 = cells(lines.get(3));
        assertEquals("UP 1/3", web1[cols.indexOf("status")]);
        assertEquals("2", web1[cols.indexOf("weight")]);
        assertEquals("4", web1[cols.indexOf("econ")]);
        assertEquals("1", web1[cols.indexOf("eresp")]);
        assertEquals("L7STS", web1[cols.indexOf("check_status")]);
        assertEquals("503", web1[cols.indexOf("check_code")]);
        assertEquals("12", web1[cols.indexOf("check_duration")]);
        assertEquals("2", web1[cols.indexOf("type")]);
        assertEquals("2", web1[cols.indexOf("iid")]);
        assertEquals("2", web1[cols.indexOf("sid")]);
        String[] be = cells(lines.get(7));
        assertEquals("1", be[cols.indexOf("type")]);
        assertEquals("3", be[cols.indexOf("wretr")]);
        assertEquals("2", be[cols.indexOf("wredis")]);
        assertEquals("5", be[cols.indexOf("qmax")]);
        assertEquals("2", be[cols.indexOf("act")]);
        assertEquals("1", be[cols.indexOf("bck")]);
        assertTrue(lines.stream().allMatch(l -> l.endsWith(",")), "trailing comma like HAProxy");
    }

    /** Splits one CSV line (no quoted cells) into its cells, dropping the trailing one. */
    private static String[] cells(String line) {
        String[] all = line.split(",", -1);
        return Arrays.copyOf(all, all.length - 1);
    }

    // --- JSON -----------------------------------------------------------------------

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonStats.render(report));
        assertEquals("lb<1>", root.get("node").asText());
        assertEquals(SampleReports.REVISION, root.get("revision").asText());
        assertEquals("0123456", root.get("revisionShort").asText());
        assertEquals(42, root.get("generation").asLong());
        assertEquals("2026-11-23T21:00:00Z", root.get("time").asText());
        JsonNode farm = root.get("proxies").get(1);
        assertEquals("web-farm", farm.get("name").asText());
        assertTrue(farm.get("frontend").isNull());
        assertEquals("BACKEND", farm.get("backend").get("type").asText());
        JsonNode web1 = farm.get("servers").get(1);
        assertEquals("web1", web1.get("name").asText());
        assertEquals("UP 1/3", web1.get("status").asText());
        assertTrue(web1.get("serving").asBoolean());
        assertEquals(4, web1.get("connectionErrors").asLong());
        assertEquals(12, web1.get("checkDurationMillis").asLong());
        assertTrue(web1.get("sessionLimit").isNull());
        JsonNode web2 = farm.get("servers").get(2);
        assertFalse(web2.get("serving").asBoolean());
    }

    // --- Prometheus ---------------------------------------------------------------

    @Test
    void prometheusFamiliesHaveHelpAndTypeOnceAndSamplesPerEntity() {
        String text = PrometheusStats.render(report);
        assertTrue(text.contains("pointsman_generation_info{generation=\"42\",revision=\"" + SampleReports.REVISION
                + "\"} 1\n"), text);
        assertTrue(text.contains("pointsman_frontend_current_sessions{frontend=\"public-http\"} 3\n"));
        assertTrue(text.contains("pointsman_frontend_bytes_in_total{frontend=\"public-http\"} 1000\n"));
        assertTrue(text.contains("pointsman_backend_current_sessions{backend=\"web-farm\"} 1\n"));
        assertTrue(text.contains("pointsman_server_up{backend=\"web-farm\",server=\"web0\"} 1\n"));
        assertTrue(text.contains("pointsman_server_up{backend=\"web-farm\",server=\"web1\"} 1\n"));
        assertTrue(text.contains("pointsman_server_up{backend=\"web-farm\",server=\"web2\"} 0\n"));
        assertTrue(text.contains("pointsman_server_up{backend=\"web-farm\",server=\"web3\"} 0\n"));
        assertTrue(text.contains("pointsman_server_up{backend=\"web-farm\",server=\"spare\"} 1\n"));
        assertTrue(text.contains("pointsman_server_check_duration_seconds{backend=\"web-farm\",server=\"web1\"} 0.012\n"));
        assertTrue(text.contains("pointsman_server_connection_errors_total{backend=\"web-farm\",server=\"web1\"} 4\n"));
        assertTrue(text.contains("pointsman_backend_up{backend=\"app<customer1>\"} 0\n"));
        // Every metric line belongs to a family announced just before, once.
        String family = null;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("# HELP ")) {
                family = line.split(" ")[2];
                assertTrue(seen.add(family), "one HELP per family: " + family);
            } else if (line.startsWith("# TYPE ")) {
                assertEquals(family, line.split(" ")[2]);
                assertTrue(line.endsWith(" gauge") || line.endsWith(" counter"), line);
            } else {
                assertNotNull(family);
                assertTrue(line.startsWith(family + "{") || line.startsWith(family + " "), line);
                assertTrue(line.matches("[a-z_]+(\\{.*\\})? -?[0-9.E]+"), line);
            }
        }
    }

    @Test
    void prometheusEscapesLabelValues() {
        String text = PrometheusStats.render(report);
        assertTrue(text.contains("server=\"live\\\"0\\\\\""), text);
        assertEquals("a\\\\b\\\"c\\nd", PrometheusStats.escapeLabel("a\\b\"c\nd"));
    }

    // --- Basic auth -----------------------------------------------------------------

    @Test
    void basicAuthAcceptsOnlyTheRightCredentials() {
        BasicAuth auth = BasicAuth.of(new StatsAuth("admin", "s3cr:et"));
        assertTrue(auth.permits(basic("admin:s3cr:et")));
        assertTrue(auth.permits("basic " + Base64.getEncoder().encodeToString("admin:s3cr:et".getBytes())));
        assertFalse(auth.permits(basic("admin:wrong")));
        assertFalse(auth.permits(basic("Admin:s3cr:et")));
        assertFalse(auth.permits(basic("admin:s3cr:et ")));
        assertFalse(auth.permits(null));
        assertFalse(auth.permits(""));
        assertFalse(auth.permits("Bearer x"));
        assertFalse(auth.permits("Basic !!!not-base64"));
        assertNull(BasicAuth.of(null), "no auth section: open page");
        assertEquals("Basic realm=\"Pointsman Statistics\"", BasicAuth.CHALLENGE);
    }

    static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void durationsAsHaproxyShowsThem() {
        assertEquals("45s", HtmlStatsPage.duration(45));
        assertEquals("2m7s", HtmlStatsPage.duration(127));
        assertEquals("1h2m", HtmlStatsPage.duration(3725));
        assertEquals("1d1h", HtmlStatsPage.duration(90061));
    }
}

package io.pointsman.proxy.statspage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.proxy.config.StatsAuth;
import io.pointsman.proxy.stats.StatusClass;
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
    void htmlTotalCellOfHttpRowsHoldsTheResponseBreakdownLikeHaproxy() {
        String html = HtmlStatsPage.render(report);
        // public-http FRONTEND: 1 + 1150 + 40 + 25 + 4 + 0 = 1220 responses.
        String fe = rowHtml(html, "frontend", "FRONTEND", 0);
        assertTrue(fe.contains("<td><u tabindex=\"0\">1234<div class=\"tips\">"), fe);
        assertTrue(fe.contains("<tr><th>Cum. sessions:</th><td>1234</td></tr>"), fe);
        assertTrue(fe.contains("<tr><th>Cum. HTTP responses:</th><td>1220</td></tr>"), fe);
        assertTrue(fe.contains("<tr class=\"hrsp_1xx\"><th>- HTTP 1xx responses:</th><td>1</td><td>(0%)</td></tr>"), fe);
        assertTrue(fe.contains("<tr class=\"hrsp_2xx\"><th>- HTTP 2xx responses:</th><td>1150</td><td>(94%)</td></tr>"), fe);
        assertTrue(fe.contains("<tr class=\"hrsp_3xx\"><th>- HTTP 3xx responses:</th><td>40</td><td>(3%)</td></tr>"), fe);
        assertTrue(fe.contains("<tr class=\"hrsp_4xx\"><th>- HTTP 4xx responses:</th><td>25</td><td>(2%)</td></tr>"), fe);
        assertTrue(fe.contains("<tr class=\"hrsp_5xx\"><th>- HTTP 5xx responses:</th><td>4</td><td>(0%)</td></tr>"), fe);
        assertTrue(fe.contains("<tr class=\"hrsp_other\"><th>- other responses:</th><td>0</td><td>(0%)</td></tr>"), fe);

        String web1 = rowHtml(html, "active_going_down", "web1", 0);
        assertTrue(web1.contains("<th>- HTTP 5xx responses:</th><td>2</td><td>(66%)</td>"), "server rows too: " + web1);
        assertTrue(web1.contains("<th>- other responses:</th><td>1</td><td>(33%)</td>"), web1);
        String web3 = rowHtml(html, "maintain", "web3", 0);
        assertTrue(web3.contains("<th>Cum. HTTP responses:</th><td>0</td>"), "no response yet: 0, no division by 0");
        String be = rowHtml(html, "backend", "BACKEND", 0);
        assertTrue(be.contains("<th>- HTTP 2xx responses:</th><td>590</td><td>(97%)</td>"), be);

        String tcpFrontend = rowHtml(html, "frontend", "FRONTEND", 1);
        assertFalse(tcpFrontend.contains("tips"), "tcp mode has no HTTP responses: " + tcpFrontend);
        assertFalse(rowHtml(html, "backend", "BACKEND", 1).contains("tips"));
        assertTrue(html.contains("u:hover div.tips, u:focus div.tips { visibility: visible; }"), "hover box CSS");
    }

    /** The {@code n}th (from 0) table row with this class and first cell. */
    private static String rowHtml(String html, String cssClass, String name, int n) {
        String start = "<tr class=\"" + cssClass + "\"><td class=ac>" + name + "</td>";
        int at = -1;
        for (int i = 0; i <= n; i++) {
            at = html.indexOf(start, at + 1);
            assertTrue(at >= 0, "row " + n + " " + cssClass + " " + name);
        }
        return html.substring(at, html.indexOf("</tr>\n", at));
    }

    @Test
    void percentIsRoundedDownAndSafeForNoResponses() {
        assertEquals(0, HtmlStatsPage.percent(0, 0));
        assertEquals(33, HtmlStatsPage.percent(1, 3));
        assertEquals(66, HtmlStatsPage.percent(2, 3));
        assertEquals(100, HtmlStatsPage.percent(7, 7));
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
                + "throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,"
                + "hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,"), first);
        // HAProxy's management guide numbers its fields from 0: hrsp_1xx is field 39, hrsp_other 44.
        assertEquals(39, CsvStats.COLUMNS.indexOf("hrsp_1xx"));
        assertEquals(44, CsvStats.COLUMNS.indexOf("hrsp_other"));
        assertEquals(45, CsvStats.COLUMNS.size());
        for (StatusClass c : StatusClass.values()) {
            assertEquals(39 + c.ordinal(), CsvStats.COLUMNS.indexOf(c.csvColumn()), c.csvColumn());
        }
    }

    @Test
    void csvHasResponseClassesForHttpRowsAndEmptyCellsForTcpRows() {
        List<String> lines = CsvStats.render(report).lines().toList();
        List<String> cols = CsvStats.COLUMNS;
        String[] fe = cells(lines.get(1));
        assertEquals(List.of("1", "1150", "40", "25", "4", "0"), Arrays.asList(fe).subList(39, 45));
        String[] web1 = cells(lines.get(3));
        assertEquals("2", web1[cols.indexOf("hrsp_5xx")]);
        assertEquals("1", web1[cols.indexOf("hrsp_other")]);
        assertEquals("0", web1[cols.indexOf("hrsp_2xx")]);
        String[] be = cells(lines.get(7));
        assertEquals(List.of("0", "590", "7", "2", "3", "1"), Arrays.asList(be).subList(39, 45));
        for (int line = 8; line <= 10; line++) {
            String[] tcp = cells(lines.get(line));
            assertEquals(cols.size(), tcp.length);
            assertEquals(List.of("", "", "", "", "", ""), Arrays.asList(tcp).subList(39, 45),
                    "tcp mode: hrsp columns empty as in HAProxy: " + lines.get(line));
        }
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

    @Test
    void jsonCountsResponsesByClassUnderHaproxyClassNames() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonStats.render(report));
        JsonNode fe = root.get("proxies").get(0).get("frontend").get("httpResponses");
        assertEquals(List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other"), iterate(fe.fieldNames()));
        assertEquals(1150, fe.get("2xx").asLong());
        assertEquals(25, fe.get("4xx").asLong());
        JsonNode web1 = root.get("proxies").get(1).get("servers").get(1).get("httpResponses");
        assertEquals(2, web1.get("5xx").asLong());
        assertEquals(1, web1.get("other").asLong());
        assertEquals(3, root.get("proxies").get(1).get("backend").get("httpResponses").get("5xx").asLong());
        JsonNode tcp = root.get("proxies").get(2);
        assertTrue(tcp.get("frontend").get("httpResponses").isNull(), "tcp mode: null");
        assertTrue(tcp.get("backend").get("httpResponses").isNull());
        assertTrue(tcp.get("servers").get(0).get("httpResponses").isNull());
    }

    private static List<String> iterate(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
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
    void prometheusHttpResponsesFollowHaproxyExporterNaming() {
        String text = PrometheusStats.render(report);
        assertTrue(text.contains("# TYPE pointsman_frontend_http_responses_total counter\n"), text);
        assertTrue(text.contains("pointsman_frontend_http_responses_total{frontend=\"public-http\",code=\"1xx\"} 1\n"));
        assertTrue(text.contains("pointsman_frontend_http_responses_total{frontend=\"public-http\",code=\"2xx\"} 1150\n"));
        assertTrue(text.contains("pointsman_frontend_http_responses_total{frontend=\"public-http\",code=\"3xx\"} 40\n"));
        assertTrue(text.contains("pointsman_frontend_http_responses_total{frontend=\"public-http\",code=\"4xx\"} 25\n"));
        assertTrue(text.contains("pointsman_frontend_http_responses_total{frontend=\"public-http\",code=\"5xx\"} 4\n"));
        assertTrue(text.contains("pointsman_frontend_http_responses_total{frontend=\"public-http\",code=\"other\"} 0\n"));
        assertTrue(text.contains("pointsman_backend_http_responses_total{backend=\"web-farm\",code=\"5xx\"} 3\n"));
        assertTrue(text.contains(
                "pointsman_server_http_responses_total{backend=\"web-farm\",server=\"web1\",code=\"other\"} 1\n"));
        assertTrue(text.contains(
                "pointsman_server_http_responses_total{backend=\"web-farm\",server=\"web3\",code=\"2xx\"} 0\n"));
        assertEquals(6 + 6 + 5 * 6, text.lines().filter(l -> l.contains("_http_responses_total{")).count(),
                "six classes for each http frontend, backend and server; none for the tcp listen");
        assertFalse(text.contains("app<customer1>\",code="), "tcp mode has no HTTP responses");
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

package io.pointsman.proxy.statspage;

import io.pointsman.proxy.stats.HttpResponses;
import io.pointsman.proxy.stats.StatusClass;

import java.time.Duration;

/**
 * {@code uri}: the HTML page, laid out and coloured like HAProxy's so its users read it at
 * a glance: a header with node, version, commit (7 characters, the full one in a tooltip)
 * and generation; then per frontend/backend/listen a table with its FRONTEND row, server
 * rows and BACKEND row. In http mode, hovering (or focusing) a Sessions/Total cell shows
 * HAProxy's breakdown of the responses by status class (1xx … 5xx, other). A server changed
 * at runtime (drained, in maintenance, reweighted) is marked "runtime", with what, why and
 * by whom in a hover box. With {@code stats.admin}, each backend's servers get HAProxy's
 * checkboxes and a form (POST, with the page's anti-CSRF token) to set them ready, drain or
 * maint. Every value from config or state is HTML-escaped.
 */
public final class HtmlStatsPage {
    private static final String STYLE = """
            body { font-family: arial, helvetica, sans-serif; font-size: 12px; font-weight: normal; color: black; background: white; }
            th, td { font-size: 10px; }
            h1 { font-size: x-large; margin-bottom: 0.5em; }
            h1 a, h1 a:visited { color: #0000ee; text-decoration: none; }
            h2 { font-size: large; margin-bottom: 0.5em; }
            h3 { font-size: medium; margin-bottom: 0.5em; }
            a.px:link, a.px:visited { color: #ffff40; text-decoration: none; }
            a.px:hover { color: #ffffff; text-decoration: none; }
            table.tbl { border-collapse: collapse; border-style: none; }
            table.tbl td { text-align: right; border-width: 1px 1px 1px 1px; border-style: solid solid solid solid; padding: 2px 3px; border-color: gray; white-space: nowrap; }
            table.tbl th { border-width: 1px; border-style: solid solid solid solid; border-color: gray; }
            table.tbl th.pxname { background: #b00040; color: #ffff40; font-weight: bold; border-style: solid solid none solid; padding: 2px 3px; white-space: nowrap; }
            table.tbl th.empty { border-style: none; empty-cells: hide; background: white; }
            table.tbl th.desc { background: white; border-style: solid solid none solid; text-align: left; padding: 2px 3px; }
            table.tbl td.ac { text-align: center; }
            table.tbl td.al { text-align: left; }
            table.lgd { border-collapse: collapse; border-width: 1px; border-style: none none none solid; border-color: black; }
            table.lgd td { border-width: 1px; border-style: solid solid solid solid; border-color: gray; padding: 2px; }
            .hr { margin-top: 0.25em; border-color: black; border-bottom-style: solid; }
            .titre { background: #20D0D0; color: #000000; font-weight: bold; text-align: center; }
            .total { background: #20D0D0; color: #ffff80; }
            .frontend { background: #e8e8d0; }
            .backend { background: #e8e8d0; }
            .active_down { background: #ff9090; }
            .active_going_up { background: #ffd020; }
            .active_going_down { background: #ffffa0; }
            .active_up { background: #c0ffc0; }
            .active_no_check { background: #e0e0e0; }
            .backup_down { background: #ff9090; }
            .backup_going_up { background: #ff80ff; }
            .backup_going_down { background: #c060ff; }
            .backup_up { background: #b0d0ff; }
            .backup_no_check { background: #e0e0e0; }
            .maintain { background: #c07820; }
            .active_draining { background: #20a0ff; }
            .backup_draining { background: #20a0ff; }
            u.runtime { font-style: italic; margin-left: 3px; }
            form.admin { margin: 0; }
            u { text-decoration: none; border-bottom: 1px dotted black; outline: none; }
            div.tips { display: block; visibility: hidden; position: absolute; z-index: 100; padding: 2px 4px 3px; background: #f0f060; color: black; border: 1px solid #7040c0; white-space: nowrap; font-style: normal; font-weight: normal; text-align: left; }
            u:hover div.tips, u:focus div.tips { visibility: visible; }
            table.det { border-collapse: collapse; border-style: none; }
            table.det th { text-align: left; border-width: 0; padding: 0 1px 0 0; font-weight: bold; }
            table.det td { text-align: right; border-width: 0; padding: 0 0 0 4px; }
            """;

    private HtmlStatsPage() {
    }

    public static String render(StatsReport report) {
        return render(report, null);
    }

    /**
     * @param admin the form's target and anti-CSRF token when {@code stats.admin} is on, else null
     */
    public static String render(StatsReport report, AdminForm admin) {
        StringBuilder out = new StringBuilder(8192);
        out.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n");
        if (report.refreshSeconds() > 0) {
            out.append("<meta http-equiv=\"refresh\" content=\"").append(report.refreshSeconds()).append("\">\n");
        }
        out.append("<title>Statistics Report for Pointsman on ").append(esc(report.node())).append("</title>\n");
        out.append("<style>\n").append(STYLE).append("</style></head>\n<body>\n");
        header(out, report);
        for (ProxySection proxy : report.proxies()) {
            section(out, proxy, admin);
        }
        out.append("</body></html>\n");
        return out.toString();
    }

    private static void header(StringBuilder out, StatsReport r) {
        out.append("<h1><a href=\"https://github.com/pointsman\">Pointsman version ").append(esc(r.version()))
                .append("</a></h1>\n");
        out.append("<h2>Statistics Report for node ").append(esc(r.node())).append("</h2>\n");
        out.append("<hr><h3>&gt; General process information</h3>\n");
        out.append("<table border=0><tr><td align=\"left\" nowrap width=\"1%\"><p>\n");
        out.append("<b>node = </b> <span class=\"node\">").append(esc(r.node())).append("</span><br>\n");
        out.append("<b>commit = </b> <span class=\"revision\" title=\"").append(esc(r.revision())).append("\">")
                .append(esc(r.shortRevision())).append("</span><br>\n");
        out.append("<b>generation = </b> <span class=\"generation\">").append(r.generation()).append("</span><br>\n");
        out.append("<b>uptime = </b> ").append(duration(r.uptimeSeconds())).append("<br>\n");
        out.append("<b>time = </b> ").append(esc(r.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())).append("<br>\n");
        if (r.refreshSeconds() > 0) {
            out.append("<b>refresh = </b> ").append(r.refreshSeconds()).append("s<br>\n");
        }
        out.append("</p></td><td>");
        legend(out);
        out.append("</td></tr></table>\n<hr>\n");
    }

    private static void legend(StringBuilder out) {
        out.append("<table class=\"lgd\"><tr>")
                .append("<td class=\"active_up\">&nbsp;</td><td class=\"noborder\">active UP</td>")
                .append("<td class=\"backup_up\">&nbsp;</td><td class=\"noborder\">backup UP</td></tr><tr>")
                .append("<td class=\"active_going_down\"></td><td class=\"noborder\">active UP, going down</td>")
                .append("<td class=\"backup_going_down\"></td><td class=\"noborder\">backup UP, going down</td></tr><tr>")
                .append("<td class=\"active_going_up\"></td><td class=\"noborder\">active DOWN, going up</td>")
                .append("<td class=\"backup_going_up\"></td><td class=\"noborder\">backup DOWN, going up</td></tr><tr>")
                .append("<td class=\"active_down\"></td><td class=\"noborder\">active or backup DOWN</td>")
                .append("<td class=\"active_no_check\"></td><td class=\"noborder\">not checked</td></tr><tr>")
                .append("<td class=\"maintain\"></td><td class=\"noborder\" colspan=\"3\">active or backup DOWN for maintenance (MAINT)</td>")
                .append("</tr><tr>")
                .append("<td class=\"active_draining\"></td><td class=\"noborder\" colspan=\"3\">active or backup SOFT STOPPED for maintenance (DRAIN)</td>")
                .append("</tr></table>");
    }

    /** Where the admin form posts and the token it must carry. */
    public record AdminForm(String uri, String token) {
    }

    private static void section(StringBuilder out, ProxySection p, AdminForm admin) {
        boolean form = admin != null && !p.servers().isEmpty();
        String anchor = esc(p.name());
        out.append("<table class=\"tbl\" width=\"100%\">\n<tr class=\"titre\"><th class=\"pxname\" width=\"10%\">")
                .append("<a name=\"").append(anchor).append("\"></a><a class=px href=\"#").append(anchor).append("\">")
                .append(esc(p.name())).append("</a></th><th class=\"empty\" width=\"90%\">")
                .append(esc(p.mode())).append(" mode</th></tr>\n</table>\n");
        if (form) {
            out.append("<form class=\"admin\" method=\"post\" action=\"").append(esc(admin.uri())).append("\">")
                    .append("<input type=\"hidden\" name=\"b\" value=\"").append(esc(p.name())).append("\">")
                    .append("<input type=\"hidden\" name=\"token\" value=\"").append(esc(admin.token())).append("\">\n");
        }
        out.append("<table class=\"tbl\" width=\"100%\">\n");
        out.append("<tr class=\"titre\">").append(form ? "<th rowspan=2></th>" : "")
                .append("<th rowspan=2></th><th colspan=2>Queue</th><th colspan=4>Sessions</th>")
                .append("<th colspan=2>Bytes</th><th colspan=1>Denied</th><th colspan=3>Errors</th>")
                .append("<th colspan=2>Warnings</th><th colspan=9>Server</th></tr>\n");
        out.append("<tr class=\"titre\"><th>Cur</th><th>Max</th><th>Cur</th><th>Max</th><th>Limit</th><th>Total</th>")
                .append("<th>In</th><th>Out</th><th>Req</th><th>Req</th><th>Conn</th><th>Resp</th>")
                .append("<th>Retr</th><th>Redis</th><th>Status</th><th>LastChk</th><th>Wght</th><th>Act</th>")
                .append("<th>Bck</th><th>Chk</th><th>Dwn</th><th>Dwntme</th><th>LastChg</th></tr>\n");
        if (p.frontend() != null) {
            row(out, p.frontend(), "frontend", form ? "<td></td>" : "");
        }
        for (StatsRow server : p.servers()) {
            row(out, server, serverClass(server), form ? "<td class=ac><input type=\"checkbox\" name=\"s\" value=\""
                    + esc(server.name()) + "\"></td>" : "");
        }
        if (p.backend() != null) {
            row(out, p.backend(), "backend", form ? "<td></td>" : "");
        }
        out.append("</table>");
        if (form) {
            out.append("Choose the action to perform on the checked servers: <select name=\"action\">")
                    .append("<option value=\"\"></option><option value=\"ready\">Set state to READY</option>")
                    .append("<option value=\"drain\">Set state to DRAIN</option>")
                    .append("<option value=\"maint\">Set state to MAINT</option></select>")
                    .append(" reason: <input type=\"text\" name=\"reason\" size=\"30\" maxlength=\"200\">")
                    .append(" <input type=\"submit\" value=\"Apply\"></form>");
        }
        out.append("<p>\n");
    }

    /** HAProxy's row colours from the status words. */
    static String serverClass(StatsRow s) {
        String prefix = s.backup() > 0 ? "backup_" : "active_";
        String status = s.status();
        if (status.equals("MAINT")) {
            return "maintain";
        }
        if (status.equals("DRAIN")) {
            return prefix + "draining";
        }
        if (status.equals("no check")) {
            return prefix + "no_check";
        }
        if (status.startsWith("UP")) {
            return prefix + (status.contains("/") ? "going_down" : "up");
        }
        if (status.startsWith("DOWN")) {
            return status.contains("/") ? prefix + "going_up" : "active_down";
        }
        return prefix + "no_check";
    }

    private static void row(StringBuilder out, StatsRow r, String cssClass, String firstCell) {
        boolean fe = r.type() == RowType.FRONTEND;
        boolean srv = r.type() == RowType.SERVER;
        out.append("<tr class=\"").append(cssClass).append("\">").append(firstCell).append("<td class=ac>")
                .append(esc(r.name())).append("</td>");
        cell(out, fe ? "" : Long.toString(r.queueCurrent()));
        cell(out, fe ? "" : Long.toString(r.queueMax()));
        cell(out, Long.toString(r.currentSessions()));
        cell(out, Long.toString(r.maxSessions()));
        cell(out, r.sessionLimit() == null ? "" : r.sessionLimit().toString());
        totalCell(out, r);
        cell(out, Long.toString(r.bytesIn()));
        cell(out, Long.toString(r.bytesOut()));
        cell(out, srv ? "" : Long.toString(r.deniedRequests()));
        cell(out, fe ? Long.toString(r.requestErrors()) : "");
        cell(out, fe ? "" : Long.toString(r.connectionErrors()));
        cell(out, fe ? "" : Long.toString(r.responseErrors()));
        cell(out, fe ? "" : Long.toString(r.retries()));
        cell(out, fe ? "" : Long.toString(r.redispatches()));
        out.append("<td class=ac><span class=\"status\">").append(esc(r.status())).append("</span>");
        if (r.runtime() != null) {
            out.append("<u class=\"runtime\" tabindex=\"0\">runtime<div class=\"tips\">")
                    .append(esc(r.runtime())).append("</div></u>");
        }
        out.append("</td>");
        cell(out, srv ? lastCheck(r) : "");
        cell(out, fe || r.weight() == null ? "" : r.weight().toString());
        cell(out, fe ? "" : srv ? (r.backup() > 0 ? "-" : "Y") : Integer.toString(r.active()));
        cell(out, fe ? "" : srv ? (r.backup() > 0 ? "Y" : "-") : Integer.toString(r.backup()));
        cell(out, srv && r.checkStatus() != null ? Long.toString(r.checkFailures()) : "");
        cell(out, fe ? "" : Long.toString(r.checkDowns()));
        cell(out, fe || r.downtimeSeconds() == null ? "" : duration(r.downtimeSeconds()));
        cell(out, fe || r.lastChangeSeconds() == null ? "" : duration(r.lastChangeSeconds()));
        out.append("</tr>\n");
    }

    /**
     * Sessions/Total; in http mode with HAProxy's hover box (also shown on keyboard focus)
     * breaking the responses down by status class, each with its share of all responses.
     */
    private static void totalCell(StringBuilder out, StatsRow r) {
        HttpResponses http = r.httpResponses();
        if (http == null) {
            cell(out, Long.toString(r.totalSessions()));
            return;
        }
        long all = http.total();
        out.append("<td><u tabindex=\"0\">").append(r.totalSessions())
                .append("<div class=\"tips\"><table class=\"det\">")
                .append("<tr><th>Cum. sessions:</th><td>").append(r.totalSessions()).append("</td></tr>")
                .append("<tr><th>Cum. HTTP responses:</th><td>").append(all).append("</td></tr>");
        for (StatusClass c : StatusClass.values()) {
            long n = http.count(c);
            out.append("<tr class=\"hrsp_").append(c.label()).append("\"><th>- ")
                    .append(c == StatusClass.OTHER ? "other" : "HTTP " + c.label()).append(" responses:</th><td>")
                    .append(n).append("</td><td>(").append(percent(n, all)).append("%)</td></tr>");
        }
        out.append("</table></div></u></td>");
    }

    /** Whole percent, rounded down as HAProxy does (so the classes never add up past 100). */
    static long percent(long part, long whole) {
        return whole <= 0 ? 0 : part * 100 / whole;
    }

    private static String lastCheck(StatsRow r) {
        if (r.checkStatus() == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(r.checkStatus());
        if (r.checkCode() != null) {
            sb.append('/').append(r.checkCode());
        }
        if (r.checkDurationMillis() != null) {
            sb.append(" in ").append(r.checkDurationMillis()).append("ms");
        }
        return sb.toString();
    }

    private static void cell(StringBuilder out, String text) {
        out.append("<td>").append(esc(text)).append("</td>");
    }

    /** HAProxy's short durations: {@code 3d4h}, {@code 5h12m}, {@code 2m7s}, {@code 45s}. */
    static String duration(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        long days = d.toDays();
        if (days > 0) {
            return days + "d" + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        }
        return seconds + "s";
    }

    /** Escapes text for HTML element content and double-quoted attributes. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}

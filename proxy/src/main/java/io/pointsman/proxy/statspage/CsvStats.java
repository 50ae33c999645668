package io.pointsman.proxy.statspage;

import io.pointsman.proxy.stats.HttpResponses;
import io.pointsman.proxy.stats.StatusClass;

import java.util.List;

/**
 * {@code uri;csv}: HAProxy's CSV, same header line and column order (fields 0-44 of its
 * management guide, {@code pxname} through {@code hrsp_other}), one line per row and a
 * trailing comma as HAProxy writes, so scripts written for {@code haproxy ;csv} keep
 * working. Columns that do not apply to a row type, or that we do not measure, are empty,
 * as in HAProxy; so are the {@code hrsp_*} columns of tcp-mode rows.
 */
public final class CsvStats {
    static final List<String> COLUMNS = List.of("pxname", "svname", "qcur", "qmax", "scur", "smax", "slim",
            "stot", "bin", "bout", "dreq", "dresp", "ereq", "econ", "eresp", "wretr", "wredis", "status",
            "weight", "act", "bck", "chkfail", "chkdown", "lastchg", "downtime", "qlimit", "pid", "iid", "sid",
            "throttle", "lbtot", "tracked", "type", "rate", "rate_lim", "rate_max", "check_status",
            "check_code", "check_duration", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx",
            "hrsp_other");

    private CsvStats() {
    }

    public static String render(StatsReport report) {
        StringBuilder out = new StringBuilder("# ").append(String.join(",", COLUMNS)).append(",\n");
        int iid = 0;
        for (ProxySection proxy : report.proxies()) {
            iid++;
            if (proxy.frontend() != null) {
                line(out, proxy, proxy.frontend(), iid, 0);
            }
            int sid = 0;
            for (StatsRow server : proxy.servers()) {
                line(out, proxy, server, iid, ++sid);
            }
            if (proxy.backend() != null) {
                line(out, proxy, proxy.backend(), iid, 0);
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, ProxySection proxy, StatsRow r, int iid, int sid) {
        boolean fe = r.type() == RowType.FRONTEND;
        boolean srv = r.type() == RowType.SERVER;
        Object[] cells = {
                proxy.name(), r.name(),
                fe ? null : r.queueCurrent(), fe ? null : r.queueMax(),
                r.currentSessions(), r.maxSessions(), r.sessionLimit(), r.totalSessions(),
                r.bytesIn(), r.bytesOut(),
                srv ? null : r.deniedRequests(), srv ? null : 0L,
                fe ? r.requestErrors() : null,
                fe ? null : r.connectionErrors(), fe ? null : r.responseErrors(),
                fe ? null : r.retries(), fe ? null : r.redispatches(),
                r.status(),
                fe ? null : r.weight(), fe ? null : r.active(), fe ? null : r.backup(),
                srv ? r.checkFailures() : null, fe ? null : r.checkDowns(),
                fe ? null : r.lastChangeSeconds(), fe ? null : r.downtimeSeconds(),
                null, 1, iid, sid,
                null, fe ? null : r.selectedTotal(), null, r.type().code(),
                null, null, null,
                srv ? r.checkStatus() : null, srv ? r.checkCode() : null, srv ? r.checkDurationMillis() : null};
        for (Object cell : cells) {
            if (cell != null) {
                out.append(escape(cell.toString()));
            }
            out.append(',');
        }
        HttpResponses http = r.httpResponses();
        for (StatusClass c : StatusClass.values()) {
            if (http != null) {
                out.append(http.count(c));
            }
            out.append(',');
        }
        out.append('\n');
    }

    /** RFC 4180 quoting for the rare name that needs it; HAProxy names never do. */
    static String escape(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}

package io.pointsman.proxy.statspage;

import io.pointsman.proxy.stats.HttpResponses;

import java.time.Instant;
import java.util.List;

/** Hand-made reports for renderer and listener tests. */
final class SampleReports {
    static final String REVISION = "0123456789abcdef0123456789abcdef01234567";

    private SampleReports() {
    }

    static StatsReport sample() {
        ProxySection frontend = new ProxySection("public-http", "http",
                StatsRow.builder(RowType.FRONTEND, "FRONTEND", "OPEN")
                        .sessions(3, 17, 4000L, 1234).bytes(1000, 2000).deniedRequests(2).errors(5, 0, 0)
                        .httpResponses(new HttpResponses(1, 1150, 40, 25, 4, 0)).build(),
                List.of(), null);
        ProxySection farm = new ProxySection("web-farm", "http", null, List.of(
                StatsRow.builder(RowType.SERVER, "web0", "UP").sessions(1, 4, null, 600).bytes(10, 20)
                        .weight(1).activeBackup(1, 0).checks(0, 0).lastChange(3725L, 0L).selectedTotal(600)
                        .lastCheck("L7OK", 200, 3L).httpResponses(new HttpResponses(0, 590, 7, 2, 1, 0)).build(),
                StatsRow.builder(RowType.SERVER, "web1", "UP 1/3").weight(2).activeBackup(1, 0)
                        .errors(0, 4, 1).checks(1, 0).lastCheck("L7STS", 503, 12L).lastChange(10L, 0L)
                        .httpResponses(new HttpResponses(0, 0, 0, 0, 2, 1)).build(),
                StatsRow.builder(RowType.SERVER, "web2", "DOWN 1/2").weight(1).activeBackup(1, 0)
                        .checks(7, 2).lastCheck("L4CON", null, 1L).lastChange(4L, 120L)
                        .httpResponses(HttpResponses.ZERO).build(),
                StatsRow.builder(RowType.SERVER, "web3", "MAINT").weight(1).activeBackup(1, 0)
                        .httpResponses(HttpResponses.ZERO).build(),
                StatsRow.builder(RowType.SERVER, "spare", "no check").weight(1).activeBackup(0, 1)
                        .httpResponses(HttpResponses.ZERO).build()),
                StatsRow.builder(RowType.BACKEND, "BACKEND", "UP").sessions(1, 4, null, 600).bytes(10, 20)
                        .weight(3).activeBackup(2, 1).errors(0, 4, 1).retries(3, 2).queue(0, 5)
                        .httpResponses(new HttpResponses(0, 590, 7, 2, 3, 1)).build());
        ProxySection listen = new ProxySection("app<customer1>", "tcp",
                StatsRow.builder(RowType.FRONTEND, "FRONTEND", "OPEN").build(),
                List.of(StatsRow.builder(RowType.SERVER, "live\"0\\", "DOWN").weight(1).activeBackup(1, 0)
                        .lastCheck("L4TOUT", null, 2000L).build()),
                StatsRow.builder(RowType.BACKEND, "BACKEND", "DOWN").weight(0).activeBackup(0, 0).build());
        return new StatsReport("lb<1>", "0.1.0", REVISION, 42, 90061, Instant.parse("2026-11-23T21:00:00Z"), 20,
                List.of(frontend, farm, listen));
    }
}

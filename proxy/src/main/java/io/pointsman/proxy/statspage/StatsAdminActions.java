package io.pointsman.proxy.statspage;

import io.pointsman.proxy.admin.AdminState;
import java.util.List;

/**
 * What the stats page's admin form does ({@code stats.admin}): set servers of a backend
 * ready, drain or maint. Implemented by whoever owns runtime server state (the agent:
 * it keeps it across restarts, in history, and notifies). May block; the stats listener
 * calls it off its event loop.
 */
@FunctionalInterface
public interface StatsAdminActions {
    /** @return null when done, else why not (an unknown server, …), shown to the user */
    String apply(String backend, List<String> servers, AdminState state, String reason);
}

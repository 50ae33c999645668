/**
 * What the agent does to the machine it runs on, in one place: files replaced atomically
 * ({@link io.pointsman.agent.system.AtomicFiles}: temp file, fsync, rename) and external
 * programs run with a bound on their time ({@link io.pointsman.agent.system.Command}).
 * The Keepalived and BGP steps of an apply use both; the agent's own state files
 * (state.json, notify.json, overrides.json) are written with {@code AtomicFiles.writeDurably}.
 *
 * <p>Everything here blocks: call it from the agent's sync or apply threads, never from an
 * event loop.
 */
package io.pointsman.agent.system;

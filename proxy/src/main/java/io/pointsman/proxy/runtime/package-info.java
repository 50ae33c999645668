/**
 * The running proxy: compiled generations, listeners, the hitless swap, connection
 * accounting (maxconn) and the event-loop transport.
 *
 * <p>Starting points: {@link io.pointsman.proxy.runtime.ProxyRuntime} ({@code start},
 * {@code apply}, {@code close}); {@link io.pointsman.proxy.runtime.Generation} is one
 * immutable compiled config; {@link io.pointsman.proxy.runtime.AcceptHandler} pins each
 * accepted connection to the generation current at accept and hands it to the
 * {@link io.pointsman.proxy.runtime.FrontendPipeline} of its frontend's mode.
 *
 * <p>What belongs to one config belongs to its generation, so a refused apply changes
 * nothing that serves: compiling only makes new objects (counters and queues of what the
 * generation adds, taken over for what it keeps), its counters are published with it
 * ({@code ProxyStats.publish}), and the stats page's listener ({@code StatsPage}) is bound
 * before the swap and moved or closed after it, like the frontends'. The same holds for
 * the config's log targets ({@code LogSinks}: made before, closed after when no generation
 * serving names them) and server host names ({@code resolve.AddressBook}: resolved before,
 * committed after). {@link io.pointsman.proxy.runtime.AccessLogger} is where a finished
 * request or tcp session goes: latency histograms, then its line to the generation's targets.
 * {@code SlowStart} ramps the effective weight and maxconn of servers back from DOWN
 * ({@code slowstart}), on a timer that runs only while one ramps.
 * Each {@link io.pointsman.proxy.runtime.LiveFrontend} and
 * {@link io.pointsman.proxy.runtime.LiveBackend} holds its compiled rules, error pages
 * (files read at compile), limits and {@code forwardfor}; the limits' counts carry over a
 * swap where a limit is unchanged ({@code LimitRegistry}, committed only once the new
 * generation serves), and one {@code PasswordVerifier} per runtime checks passwords for
 * every generation.
 *
 * <p>Threading: listeners (server channels) live on one dedicated "accept" event loop,
 * and so do the generation swap, the retirement of old generations and the maxconn
 * gate; that single thread is what makes "accepted before or after the swap" a clean
 * cut. Connections live on the worker loops; a backend connection shares its client's
 * loop.
 *
 * <p>Transport: io_uring where the kernel offers it, else native epoll, else Java NIO
 * ({@link io.pointsman.proxy.runtime.Transport}). Epoll goes through {@link
 * io.pointsman.proxy.runtime.EpollInterestKeeper}, which repairs a Netty 4.2.18 epoll bug
 * that lost the last bytes of half-closed tunnels, and the relays write through {@link
 * io.pointsman.proxy.runtime.DirectSend} there: one {@code send(2)} past Netty's outbound
 * path when nothing is queued ahead (io_uring batches its sends itself).
 */
package io.pointsman.proxy.runtime;

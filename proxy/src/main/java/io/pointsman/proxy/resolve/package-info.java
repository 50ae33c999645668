/**
 * Server host names: resolved at apply (a name that does not resolve refuses the apply on
 * the node, never {@code validate}), then again every {@code resolvers.interval} off the
 * event loops, the last good address kept for {@code resolvers.hold_valid}.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.resolve.AddressBook}: prepare before a swap, commit after,
 *       the re-resolution thread.</li>
 *   <li>{@link io.pointsman.proxy.resolve.ServerAddress}: where one server is now, read by
 *       new connections.</li>
 *   <li>{@link io.pointsman.proxy.resolve.TemplateSlots}: a {@code server_template}'s
 *       servers, filled from A/AAAA or SRV answers, each keeping its slot while its
 *       address stays in the answer.</li>
 *   <li>{@link io.pointsman.proxy.resolve.HostResolver}: the system resolver, or
 *       {@link io.pointsman.proxy.resolve.DnsServerResolver} asking
 *       {@code resolvers.nameservers} (A, AAAA, SRV) with Netty's DNS client.</li>
 * </ul>
 */
package io.pointsman.proxy.resolve;

/**
 * Routing: compiled ACLs and {@code use_backend} rules of a frontend, and the facts a
 * routing decision reads.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.routing.FrontendRouter#compile} turns a normalized
 *       {@link io.pointsman.proxy.config.Frontend} into an immutable router;
 *       {@link io.pointsman.proxy.routing.FrontendRouter#route} picks a backend for a
 *       {@link io.pointsman.proxy.routing.RequestFacts}: the first {@code use_backend}
 *       whose condition holds, else {@code default_backend}, else null. Runs of rules of
 *       the "acl + rule per customer" shape are decided by one
 *       {@code RuleIndex} look-up (same first-match result, cost independent of the
 *       number of rules); an acl several terms share is evaluated at most once per
 *       decision, lazily; route() allocates nothing itself.</li>
 *   <li>{@code AclMatchers} holds one small class per matcher ({@code src},
 *       {@code dst_port}, {@code sni}, {@code path}, {@code path_beg}, {@code path_end},
 *       {@code path_reg}, {@code host}, {@code method}, {@code header}).</li>
 *   <li>{@link io.pointsman.proxy.routing.CidrTrie}: all networks of a {@code src} acl in
 *       two binary tries (IPv4 on an {@code int}, IPv6 on two {@code long}s) with the
 *       semantics of one 128-bit space (IPv4 as mapped IPv6): at most 32 / 128 steps
 *       whatever the number of networks; ranked, it gives the earliest rule's network.</li>
 *   <li>{@code PrefixTrie} ({@code path_beg}, and reversed for {@code path_end}) and
 *       {@code HostPattern} ({@code host}, {@code sni}: exact or {@code *.example.com},
 *       which matches subdomains at any depth but not {@code example.com} itself).</li>
 *   <li>{@link io.pointsman.proxy.routing.FixedRequestFacts}: facts given up front, for
 *       route assertions (SPEC §5.10) and tests — the same router traffic uses.</li>
 * </ul>
 *
 * <p>HAProxy semantics kept: a missing fact never matches (so {@code !acl} holds);
 * {@code method} is case-sensitive; {@code path_reg} uses {@code find()}; a
 * {@code header} value list {@code a, b} matches {@code a} or {@code b}; IPv4 clients
 * compared with IPv6 networks are taken in their mapped form, and IPv4-mapped IPv6
 * clients match IPv4 networks.
 */
package io.pointsman.proxy.routing;

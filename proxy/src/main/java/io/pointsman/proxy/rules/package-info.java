/**
 * HTTP rules (SPEC §8): HAProxy's {@code http-request}, {@code http-response},
 * {@code redirect}, {@code errorfile} and {@code userlist}, compiled once per generation
 * into immutable steps and run per exchange on its event loop.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.rules.SectionRules}: one frontend's or backend's
 *       compiled rules and error pages; {@code SectionRules.frontend(...)} /
 *       {@code .backend(...)} at compile time.</li>
 *   <li>{@link io.pointsman.proxy.rules.RuleContext}: one exchange as rules and acls see
 *       it (the request with what rules did to it, later the response).</li>
 *   <li>{@link io.pointsman.proxy.rules.Rules#evaluate} gives a
 *       {@link io.pointsman.proxy.rules.Verdict}: go on, answer with an
 *       {@link io.pointsman.proxy.rules.Answer}, or wait for a password check and
 *       {@code resume()}.</li>
 *   <li>{@link io.pointsman.proxy.rules.Userlists} and
 *       {@link io.pointsman.proxy.rules.PasswordVerifier}: Basic credentials against
 *       crypt(3) hashes, off the event loop, answers cached.</li>
 *   <li>{@link io.pointsman.proxy.rules.ErrorPages}: HAProxy's pages, or the
 *       {@code errorfiles}, read at apply time.</li>
 * </ul>
 *
 * <p>How an exchange runs them ({@code http.HttpExchange}; the tcp relay calls
 * {@link io.pointsman.proxy.rules.TcpRules#rejects}):
 * <ol>
 *   <li>request head parsed → frontend limits count it → {@code cx.begin(...)} →
 *       frontend {@code request.evaluate(cx)};</li>
 *   <li>CONTINUE → {@code router.route(cx)} (routing sees the rewritten request) →
 *       {@code cx.chooseBackend(...)} → backend {@code request.evaluate(cx)};</li>
 *   <li>CONTINUE → {@code head.writeForServer(out, cx.requestEdits(), ...)};</li>
 *   <li>response head parsed → {@code cx.beginResponse(...)} → backend, then frontend
 *       {@code response.evaluate(cx)} → {@code head.writeForClient(out, ..., cx.responseEdits())}.
 *       Response rules act on servers' responses only, never on the proxy's own answers.</li>
 * </ol>
 * Evaluation allocates nothing when no rule's condition holds, and compiles nothing per
 * request: constant texts are used as they are, variables are read from the exchange.
 */
package io.pointsman.proxy.rules;

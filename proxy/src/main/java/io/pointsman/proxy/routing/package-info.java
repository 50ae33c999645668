/**
 * Routing: compiled ACLs and {@code use_backend} rules of a frontend, and the facts a
 * routing decision reads.
 *
 * <p>Starting point: {@link io.pointsman.proxy.routing.FrontendRouter#compile} turns a
 * normalized {@link io.pointsman.proxy.config.Frontend} into an immutable router;
 * {@link io.pointsman.proxy.routing.FrontendRouter#route} picks a backend for a
 * {@link io.pointsman.proxy.routing.RequestFacts}. Route assertions (SPEC §5.10) use the
 * same router, so a test in the config repo exercises exactly what traffic sees.
 */
package io.pointsman.proxy.routing;

/**
 * Route assertions (SPEC §5.10): {@code tests/*.yaml} in the config repo state which
 * backend a request or connection must reach; every revision must pass them before it
 * is applied, and {@code pointsman validate} runs them too.
 *
 * <p>Starting point: {@link io.pointsman.proxy.assertions.RouteAssertions#check}. Cases
 * run against {@link io.pointsman.proxy.routing.FrontendRouter}, the same compiled
 * router that serves traffic, so a passing case means what it says; a case that states
 * what rules do ({@code expect_status}, {@code expect_location},
 * {@code expect_request_headers}, {@code expect_response_headers}) or a frontend with rules
 * runs through {@link io.pointsman.proxy.rules.Simulator}: the same rules and head writers,
 * on a request built from the case ({@code tls}, {@code headers}, a {@code path} with a
 * query) and a plain 200 from the server.
 */
package io.pointsman.proxy.assertions;

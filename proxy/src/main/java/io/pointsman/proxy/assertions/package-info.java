/**
 * Route assertions (SPEC §5.10): {@code tests/*.yaml} in the config repo state which
 * backend a request or connection must reach; every revision must pass them before it
 * is applied, and {@code pointsman validate} runs them too.
 *
 * <p>Starting point: {@link io.pointsman.proxy.assertions.RouteAssertions#check}. Cases
 * run against {@link io.pointsman.proxy.routing.FrontendRouter}, the same compiled
 * router that serves traffic, so a passing case means what it says.
 */
package io.pointsman.proxy.assertions;

/**
 * What {@code pointsman demo} runs besides Pointsman itself: small HTTP servers on
 * loopback that stand in for a web farm, so the embedded default config has something
 * to balance. Starting point: {@link io.pointsman.agent.demo.DemoBackend}.
 */
package io.pointsman.agent.demo;

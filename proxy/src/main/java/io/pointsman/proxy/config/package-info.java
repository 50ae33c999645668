/**
 * The proxy.yaml schema (SPEC §3) as immutable records, and the small value types
 * it is made of.
 *
 * <p>Starting points: {@link io.pointsman.proxy.config.ProxyConfig} is the root of a
 * parsed config. Value types that come from a YAML string ({@link HostPort},
 * {@link Cidr}, {@link Condition}, {@link StatusRange}, {@link Durations}) each own
 * their parsing through a static {@code parse(String)} that throws
 * {@link IllegalArgumentException} with a message fit for a user.
 *
 * <p>Records carry exactly what the user wrote (absent optional values are
 * {@code null}, absent lists are empty); {@link Normalizer} fills in {@code defaults}
 * and built-in defaults, and the result is what the runtime compiles. Loading, host
 * merge, secrets and validation live in {@code io.pointsman.proxy.config.load}.
 */
package io.pointsman.proxy.config;

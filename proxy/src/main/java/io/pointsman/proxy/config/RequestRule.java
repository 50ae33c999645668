package io.pointsman.proxy.config;

/**
 * One {@code http_request} rule: an action, run when the condition holds
 * ({@code {redirect: {scheme: https}, unless: tls}}). At most one of {@code if}/{@code unless};
 * neither = always.
 */
public record RequestRule(
        @OneOf(owner = "an http_request rule", noun = "action") RequestAction action,
        @YamlName("if") Condition ifCondition,
        @YamlName("unless") Condition unlessCondition) {
}

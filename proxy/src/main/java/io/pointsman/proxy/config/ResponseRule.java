package io.pointsman.proxy.config;

/** One {@code http_response} rule: an action, run when the condition holds. */
public record ResponseRule(
        @OneOf(owner = "an http_response rule", noun = "action") ResponseAction action,
        @YamlName("if") Condition ifCondition,
        @YamlName("unless") Condition unlessCondition) {
}

package io.pointsman.proxy.config;

/**
 * One routing rule: send to {@code backend} if the condition holds. At most one of
 * {@code if}/{@code unless}; neither = always.
 */
public record UseBackend(
        String backend,
        @YamlName("if") Condition ifCondition,
        @YamlName("unless") Condition unlessCondition) {
}

package io.pointsman.proxy.config;

/**
 * One {@code tcp_request} rule of a tcp-mode frontend ({@code tcp-request connection
 * reject}): {@code {reject: true, if: over-limit}} closes the connection before any
 * backend is chosen.
 */
public record TcpRule(
        @OneOf(owner = "a tcp_request rule", noun = "action") TcpAction action,
        @YamlName("if") Condition ifCondition,
        @YamlName("unless") Condition unlessCondition) {

    /** What a tcp_request rule may do. */
    public sealed interface TcpAction permits Reject {
    }

    /** {@code reject: true}: close the connection. */
    public record Reject(@YamlValue Boolean value) implements TcpAction {
    }
}

package io.pointsman.proxy.config;

/**
 * One step of a {@code script} check (HAProxy {@code tcp-check send} / {@code tcp-check
 * expect string} / {@code tcp-check expect rstring}): exactly one of the three is set.
 *
 * @param send      text to send (YAML escapes such as {@code "PING\r\n"} make the bytes)
 * @param expect    the reply so far must contain this text
 * @param expectReg the reply so far must match this regular expression (found anywhere)
 */
public record CheckStep(String send, String expect, String expectReg) {
}

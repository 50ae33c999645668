package io.pointsman.proxy.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a record that users may write either as a scalar (read by its static
 * {@code parse(String)}, or {@code parse(Boolean)} for {@code true}/{@code false}) or as a
 * map of its components: {@code forwardfor: true} or {@code forwardfor: {header:
 * X-Client-IP}}; in a list the two forms may mix. Without it, a record with a
 * {@code parse(String)} is a scalar only (as {@link HostPort}). {@code parse} returning
 * null means "absent" ({@code forwardfor: false}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ScalarOrMap {
}

package io.pointsman.proxy.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The YAML key of a record component whose snake_case name cannot be derived from
 * the Java name (e.g. {@code if}, a Java keyword), or of a {@link OneOf} variant whose
 * key is not the snake_case of its class name. Other components map {@code useBackend}
 * to {@code use_backend}, and variants {@code PathBeg} to {@code path_beg}, by convention.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD,
        ElementType.TYPE})
public @interface YamlName {
    String value();
}

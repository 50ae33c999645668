package io.pointsman.proxy.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the one record component that a plain scalar stands for: where YAML gives a
 * scalar in place of such a record, the scalar binds to this component and the others
 * stay absent. {@code bind: ["*:80", {address: "*:443", tls: …}]} reads the first item as
 * {@code {address: "*:80"}}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface YamlShorthand {
}

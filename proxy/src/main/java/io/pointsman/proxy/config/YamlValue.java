package io.pointsman.proxy.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On the only component of a {@link OneOf} variant: the variant key's YAML value is this
 * component's value, not a map. {@code path_beg: ["/api/"]} binds
 * {@code PathBeg(@YamlValue List<String> values)}; {@code ssl_fc: true} binds
 * {@code SslFc(@YamlValue Boolean value)}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface YamlValue {
}

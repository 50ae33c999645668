package io.pointsman.proxy.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How messages word a "one of" component: a record component whose type is a sealed
 * interface of records (the variants). In YAML the variant is chosen by a key of the
 * enclosing map, and that key's value is the variant: {@code {name: api, path_beg: ["/api/"]}}
 * binds {@code Acl(name, match = PathBeg(["/api/"]))}, and {@code {redirect: {scheme: https},
 * if: x}} binds a rule whose action is a {@code Redirect}. A variant's key is the snake_case
 * of its class name unless {@link YamlName} says otherwise; its value is a map of the
 * variant's components, or, when the variant's one component is marked {@link YamlValue},
 * that component's value. Exactly one variant key must be present.
 *
 * <p>The annotation is optional: without it messages say "needs one of: …".
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OneOf {
    /** The map holding the component, for messages: {@code an acl}, {@code a rule}. */
    String owner();

    /** What a variant is called: {@code matcher}, {@code action}. */
    String noun();

    /** Added to the "found more than one" message. */
    String hint() default "";
}

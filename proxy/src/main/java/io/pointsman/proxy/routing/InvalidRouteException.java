package io.pointsman.proxy.routing;

/**
 * A frontend's routing rules cannot be compiled: an acl with no (or several) matchers, a
 * bad regex, a condition naming an unknown acl. Validation reports these first with
 * file and line; this is the backstop when an unvalidated frontend reaches the compiler.
 */
public class InvalidRouteException extends IllegalArgumentException {
    public InvalidRouteException(String message) {
        super(message);
    }

    public InvalidRouteException(String message, Throwable cause) {
        super(message, cause);
    }
}

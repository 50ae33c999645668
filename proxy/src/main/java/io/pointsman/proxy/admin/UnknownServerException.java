package io.pointsman.proxy.admin;

/** A runtime change named a backend or server the serving config does not have. */
public final class UnknownServerException extends Exception {
    public UnknownServerException(String message) {
        super(message);
    }
}

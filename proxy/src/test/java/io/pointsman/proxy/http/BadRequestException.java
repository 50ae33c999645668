package io.pointsman.proxy.http;

/**
 * Why a request was refused with 400. It travels as the cause of a failed
 * {@link io.netty.handler.codec.DecoderResult} or is thrown by {@link RequestHygiene}; the
 * client only ever sees the generic 400 page, the message goes to the log.
 */
public final class BadRequestException extends Exception {
    public BadRequestException(String message) {
        super(message, null, false, false);
    }
}

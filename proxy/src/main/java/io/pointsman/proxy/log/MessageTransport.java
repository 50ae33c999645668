package io.pointsman.proxy.log;

/**
 * How a log target's messages leave the process. Called on the target's writer thread
 * only: {@link #add} each message of a batch, then {@link #flush}. Never blocks an event
 * loop; a transport that cannot send counts the messages as failed and says why (rate
 * limited), it never stalls the writer for long either.
 */
interface MessageTransport extends AutoCloseable {
    /** One message, framed; copied before the call returns. */
    void add(byte[] message, int off, int len);

    /** Sends what was added since the last flush. */
    void flush();

    @Override
    void close();
}

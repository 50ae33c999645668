package io.pointsman.agent.bgp;

/** The BGP step of an apply failed; the include is back as it was. */
public final class BgpException extends Exception {
    private final boolean refused;

    /**
     * @param refused true when BIRD refused the rendered text ({@code bird -p}, or the parse
     *                of {@code configure}): the config is at fault and retrying will not help
     */
    public BgpException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    public boolean refused() {
        return refused;
    }
}

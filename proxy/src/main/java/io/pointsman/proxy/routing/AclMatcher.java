package io.pointsman.proxy.routing;

/**
 * One compiled ACL: a test on the facts of a connection or request. Implementations
 * are immutable and thread-safe; a missing fact (e.g. no SNI, tcp mode for a path
 * matcher) never matches, as in HAProxy.
 */
interface AclMatcher {
    boolean matches(RequestFacts facts);

    /** Reads the TLS SNI (a tcp frontend must peek at the ClientHello first). */
    default boolean readsSni() {
        return false;
    }

    /** Reads something only an HTTP request has (host, path, method, headers). */
    default boolean readsHttp() {
        return false;
    }

    /**
     * Builds what {@link #matches} looks values up in. Called by {@link FrontendRouter#compile}
     * (before the router is published) only for acls that a rule outside every
     * {@link RuleIndex} reads: an acl read only through an index never needs its own trie,
     * and building 10,000 of them made compiling a rule-per-customer frontend twice as dear.
     */
    default void prepare() {
    }

    /**
     * Whether {@link #indexInto} can put this matcher's values into a {@link RuleIndex}:
     * then a run of rules whose conditions are such acls is decided by one look-up.
     */
    default boolean indexable() {
        return false;
    }

    /** Adds the values under {@code rank} (a rule's position in its run); only when {@link #indexable()}. */
    default void indexInto(RuleIndex.Builder index, int rank) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be indexed");
    }
}

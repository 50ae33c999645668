package io.pointsman.proxy.balance;

import java.util.function.Predicate;

/** What every algorithm asks of a server before picking it. */
final class Servers {
    private Servers() {}

    /** Can take a new connection now: up, weighted, below maxconn, not excluded. */
    static <T extends Candidate> boolean usable(T s, Predicate<? super T> exclude) {
        return s.effectiveWeight() > 0 && s.isUp() && s.hasFreeSlot() && !exclude.test(s);
    }

    /** Could take traffic if it had a free slot: up, weighted, not excluded. */
    static <T extends Candidate> boolean available(T s, Predicate<? super T> exclude) {
        return s.effectiveWeight() > 0 && s.isUp() && !exclude.test(s);
    }

    /** A {@code Candidate[]} (the erasure of {@code T[]}), so reads need no cast. */
    @SuppressWarnings("unchecked")
    static <T extends Candidate> T[] array(java.util.List<T> list) {
        return (T[]) list.toArray(new Candidate[0]);
    }
}

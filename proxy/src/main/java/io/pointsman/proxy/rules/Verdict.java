package io.pointsman.proxy.rules;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What a rule set decided for a request or response: go on, answer it here, or wait.
 *
 * <ul>
 *   <li>{@link Kind#CONTINUE}: every rule ran (edits, if any, are in the
 *       {@link RuleContext}); route / forward as usual.</li>
 *   <li>{@link Kind#ANSWER}: a redirect, deny, return, a failed auth or a rule that
 *       could not be applied: write {@link #answer()} to the client; the request never
 *       reaches a server (or the server's response is replaced).</li>
 *   <li>{@link Kind#PENDING}: an {@code auth} rule is checking a password hash on the
 *       verifier's executor. When {@link #future()} completes (on that executor), go back
 *       to the connection's event loop and call {@link #resume()}, which continues from
 *       that rule and gives the next verdict. Nothing else may touch the exchange meanwhile.</li>
 * </ul>
 */
public final class Verdict {
    /** The kinds of verdict. */
    public enum Kind { CONTINUE, ANSWER, PENDING }

    /** Go on. */
    public static final Verdict CONTINUE = new Verdict(Kind.CONTINUE, null, false, null, null);

    private final Kind kind;
    private final Answer answer;
    private final boolean denied;
    private final CompletableFuture<?> future;
    private final Supplier<Verdict> resume;

    private Verdict(Kind kind, Answer answer, boolean denied, CompletableFuture<?> future, Supplier<Verdict> resume) {
        this.kind = kind;
        this.answer = answer;
        this.denied = denied;
        this.future = future;
        this.resume = resume;
    }

    static Verdict answer(Answer answer) {
        return new Verdict(Kind.ANSWER, answer, false, null, null);
    }

    /** The answer of a {@code deny} rule (counted as a denied request or response). */
    static Verdict deny(Answer answer) {
        return new Verdict(Kind.ANSWER, answer, true, null, null);
    }

    static Verdict pending(CompletableFuture<?> future, Supplier<Verdict> resume) {
        return new Verdict(Kind.PENDING, null, false, future, resume);
    }

    public Kind kind() {
        return kind;
    }

    /** The answer comes from a {@code deny} rule (HAProxy counts those as denied). */
    public boolean denied() {
        return denied;
    }

    /** The response to give; only for {@link Kind#ANSWER}. */
    public Answer answer() {
        return answer;
    }

    /** Completes when evaluation may resume; only for {@link Kind#PENDING}. Never completes exceptionally. */
    public CompletableFuture<?> future() {
        return future;
    }

    /** Goes on from the rule that waited (on the event loop, after {@link #future()} completed). */
    public Verdict resume() {
        if (kind != Kind.PENDING) {
            throw new IllegalStateException("only a pending verdict resumes");
        }
        return resume.get();
    }

    @Override
    public String toString() {
        return kind == Kind.ANSWER ? "ANSWER " + answer : kind.name();
    }
}

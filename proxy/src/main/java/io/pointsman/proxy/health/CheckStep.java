package io.pointsman.proxy.health;

/**
 * One step of a check's conversation with a server, after the connect: send bytes, or
 * wait for a reply that satisfies a matcher. Every check but {@code tcp} is a list of
 * these ({@link CheckScripts}), as HAProxy's protocol checks are tcp-check rule sets.
 */
sealed interface CheckStep {

    /** Bytes to send. What was received so far is forgotten: the next expect looks at the reply to these. */
    record Send(byte[] bytes) implements CheckStep {
    }

    /**
     * Wait until {@code matcher} decides on what was received since the last send.
     *
     * @param timeout code when {@code timeout.check} passes while waiting here
     */
    record Expect(ReplyMatcher matcher, CheckCode timeout) implements CheckStep {
    }

    /** What a matcher says about the reply so far. */
    sealed interface Verdict {
        /** Not enough yet: wait for more (or, when the server closed, the matcher is asked with {@code closed}). */
        Verdict WAIT = new Wait();

        record Wait() implements Verdict {
        }

        /** This step passed: go on with the next (or, when it was the last, conclude with {@code result}). */
        record Pass(CheckResult result) implements Verdict {
        }

        /** The check failed. */
        record Fail(CheckResult result) implements Verdict {
        }
    }

    /** Decides on a reply: {@code reply[0..length)}, {@code closed} when the server closed (no more will come). */
    @FunctionalInterface
    interface ReplyMatcher {
        Verdict test(byte[] reply, int length, boolean closed);
    }
}

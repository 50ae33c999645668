package io.pointsman.agent.node;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A process for {@link CrashGuardTest} to kill: arms a {@link CrashGuard} whose will writes
 * {@code args[0]} with {@code args[1]} (atomically; in place when the first argument is
 * {@code --put}, then shifted) and, with {@code args[2..3]} = birdc and socket, reconfigures
 * BIRD; prints {@code armed PID}, then waits on stdin: {@code disarm} disarms and exits
 * normally; anything else (or nothing, until it is killed) keeps it waiting.
 */
public final class CrashGuardChild {
    public static void main(String[] args) throws Exception {
        CrashGuard guard = new CrashGuard("child");
        boolean put = args[0].equals("--put");
        if (put) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        CrashGuard.Will will = put ? CrashGuard.Will.NOTHING.put(Path.of(args[0]), args[1])
                : CrashGuard.Will.NOTHING.write(Path.of(args[0]), args[1]);
        if (args.length > 3) {
            will = will.birdcConfigure(args[2], Path.of(args[3]));
        }
        guard.arm(will);
        System.out.println("armed " + guard.pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("disarm")) {
                guard.close();
                System.out.println("disarmed");
                System.out.flush();
                return;
            }
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}

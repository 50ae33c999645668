package io.pointsman.agent.sync;

import io.pointsman.agent.git.Revision;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds any apply whose proxy.yaml says {@code gate: true} until the test opens the gate (bounded: 20s). */
final class GatedApplier implements ConfigApplier {
    final YamlTestApplier inner;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);

    GatedApplier(YamlTestApplier inner) {
        this.inner = inner;
    }

    @Override
    public ApplyOutcome apply(ConfigFiles files, Revision revision) {
        String proxy = files.get(ConfigFiles.PROXY_YAML);
        if (proxy != null && proxy.contains("gate: true")) {
            entered.countDown();
            try {
                if (!gate.await(20, TimeUnit.SECONDS)) {
                    return new ApplyOutcome.Failed("test gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ApplyOutcome.Failed("interrupted at the test gate");
            }
        }
        return inner.apply(files, revision);
    }

    @Override
    public boolean serving() {
        return inner.serving();
    }

    @Override
    public String effectiveConfig() {
        return inner.effectiveConfig();
    }

    @Override
    public String diff(ConfigFiles candidate) {
        return inner.diff(candidate);
    }
}

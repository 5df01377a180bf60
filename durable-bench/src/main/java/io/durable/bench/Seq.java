package io.durable.bench;

import io.durable.Durable;

/**
 * One caller runs workflows one after another, each under a fresh ID. Every iteration runs an N-step
 * workflow and then a 0-step one (start + completion only), so both latency distributions come from
 * the same moments of the run; the difference of their medians, divided by N, is the cost of a step.
 */
final class Seq {
    String run(BenchDatabase db, Options options) throws Exception {
        int n = options.steps;
        try (Durable durable = Durable.builder()
                .jdbcUrl(db.url(), db.server().user(), db.server().password())
                .executorId("bench-seq")
                .poolSize(options.pool)
                .build()) {
            Chain chain = Chain.register(durable, Chain.StepHook.NONE);
            durable.start();
            for (int i = 0; i < options.warmup; i++) {
                runOne(durable, chain, "warmup-" + i, n);
                runOne(durable, chain, "warmup0-" + i, 0);
            }
            if (options.analyze) {
                db.analyzeDurableTables();
            }
            long[] withSteps = new long[options.workflows];
            long[] noSteps = new long[options.workflows];
            for (int i = 0; i < options.workflows; i++) {
                withSteps[i] = runOne(durable, chain, "seq-" + i, n);
                noSteps[i] = runOne(durable, chain, "seq0-" + i, 0);
            }
            double p50 = Stats.percentileMillis(withSteps, 50);
            double p50NoSteps = Stats.percentileMillis(noSteps, 50);
            return new ResultLine("seq")
                    .add("p50_ms", p50, 3)
                    .add("p99_ms", Stats.percentileMillis(withSteps, 99), 3)
                    .add("wf_per_s", withSteps.length / Stats.sumSeconds(withSteps), 1)
                    .add("step_overhead_us", (p50 - p50NoSteps) * 1000.0 / n, 1)
                    .add("p50_0_steps_ms", p50NoSteps, 3)
                    .add("steps", n)
                    .add("workflows", options.workflows)
                    .add("warmup", options.warmup)
                    .add("pool", options.pool)
                    .add("analyze", options.analyze ? 1 : 0)
                    .toString();
        }
    }

    private static long runOne(Durable durable, Chain chain, String id, int steps) {
        long t0 = System.nanoTime();
        String result = durable.runWorkflow(id, () -> chain.run(id, steps));
        long elapsed = System.nanoTime() - t0;
        if (result == null) {
            throw new IllegalStateException("workflow " + id + " returned null");
        }
        return elapsed;
    }
}

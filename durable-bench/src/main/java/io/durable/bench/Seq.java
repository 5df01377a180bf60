package io.durable.bench;

import io.durable.Durable;

import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * One caller runs workflows one after another, each under a fresh ID. Every iteration runs an N-step
 * workflow and then a 0-step one (start + completion only), so both latency distributions come from
 * the same moments of the run; the difference of their medians, divided by N, is the cost of a step.
 * Each iteration also times one {@link Floor} INSERT on the benchmark's own connection, so the target
 * (p50 within 1.3 × 12 single-row INSERTs) is judged against the floor of the same moments. On
 * SQLite those INSERTs go to a file of their own ({@link BenchDatabase#connectFloor()}), so the ratio
 * is durable on SQLite against raw SQLite commits with the same durability settings.
 */
final class Seq {
    String run(BenchDatabase db, Options options) throws Exception {
        int n = options.steps;
        if (db.store() == Options.Store.SQLITE) {
            System.err.println("durable-bench: seq on SQLite: insert_p50_ms is of INSERTs into a SQLite file of their"
                    + " own (WAL, synchronous=FULL), one connection; --pool is not used (durable writes SQLite"
                    + " through one connection)");
        }
        Floor.createTable(db);
        Floor floor = new Floor();
        try (Connection c = db.connectFloor();
             PreparedStatement insert = c.prepareStatement(Floor.INSERT);
             Durable durable = Durable.builder()
                .jdbcUrl(db.url(), db.user(), db.password())
                .executorId("bench-seq")
                .poolSize(options.pool)
                .build()) {
            Chain chain = Chain.register(durable, Chain.StepHook.NONE);
            c.setAutoCommit(true);
            durable.start();
            for (int i = 0; i < Floor.WARMUP_INSERTS; i++) {
                floor.insert(insert);
            }
            for (int i = 0; i < options.warmup; i++) {
                runOne(durable, chain, "warmup-" + i, n);
                runOne(durable, chain, "warmup0-" + i, 0);
                floor.insert(insert);
            }
            if (options.analyze) {
                db.analyzeDurableTables();
            }
            long[] withSteps = new long[options.workflows];
            long[] noSteps = new long[options.workflows];
            long[] inserts = new long[options.workflows];
            for (int i = 0; i < options.workflows; i++) {
                withSteps[i] = runOne(durable, chain, "seq-" + i, n);
                noSteps[i] = runOne(durable, chain, "seq0-" + i, 0);
                long t0 = System.nanoTime();
                floor.insert(insert);
                inserts[i] = System.nanoTime() - t0;
            }
            double p50 = Stats.percentileMillis(withSteps, 50);
            double p50NoSteps = Stats.percentileMillis(noSteps, 50);
            double insertP50 = Stats.percentileMillis(inserts, 50);
            ResultLine line = new ResultLine("seq")
                    .add("p50_ms", p50, 3)
                    .add("p99_ms", Stats.percentileMillis(withSteps, 99), 3)
                    .add("wf_per_s", withSteps.length / Stats.sumSeconds(withSteps), 1)
                    .add("step_overhead_us", (p50 - p50NoSteps) * 1000.0 / n, 1)
                    .add("p50_0_steps_ms", p50NoSteps, 3)
                    .add("insert_p50_ms", insertP50, 3)
                    .add("p50_over_inserts", p50 / ((n + 2) * insertP50), 2)
                    .add("steps", n)
                    .add("workflows", options.workflows)
                    .add("warmup", options.warmup)
                    .add("pool", options.pool)
                    .add("analyze", options.analyze ? 1 : 0);
            return line.addStore(db.store()).toString();
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

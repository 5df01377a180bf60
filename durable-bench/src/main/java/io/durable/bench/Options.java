package io.durable.bench;

import io.durable.Durable;

import java.util.Locale;

/**
 * The command line: {@code WORKLOAD [--store postgresql|sqlite] [--steps N] [--workflows N] [--callers N]
 * [--pool N] [--warmup N] [--settle-ms N] [--analyze]}. Options a workload does not use are accepted and
 * ignored. {@code --store sqlite} runs durable on a SQLite file of its own instead of a PostgreSQL
 * database; only {@code seq} and {@code conc} support it, and {@code --analyze} (PostgreSQL's
 * {@code ANALYZE}) is rejected with it.
 */
final class Options {
    static final int CONC_CALLERS = 64;
    static final int PARKED_CALLERS = 8;
    static final int QUEUE_CALLERS = 1;
    static final String USAGE = String.join("\n",
            "usage: java -jar durable-bench.jar WORKLOAD [options]",
            "workloads:",
            "  floor     single-row autocommit INSERTs: p50 on 1 connection, rows/s on 16 connections",
            "  seq       one caller runs workflows of N no-op steps one after another (and 0-step ones interleaved)",
            "  conc      --callers threads run workflows in parallel",
            "  recovery  --workflows workflows left PENDING half-way by a SIGKILLed JVM are finished by a new JVM",
            "  recv      one workflow at a time waits hot in recv; latency from send() to its result, and the",
            "            single-row INSERT of floor sampled in between",
            "  parked    --workflows workflows wait in recv at once (parked): threads, heap, time to park them,",
            "            then time to wake them all with one message each",
            "  queue     --workflows no-op workflows enqueued by a DurableClient: enqueue-to-start latency with",
            "            --callers producers each waiting for its workflow to start, then the rate at which a",
            "            fresh executor drains a backlog of as many",
            "options:",
            "  --store S       postgresql (default) or sqlite: where durable keeps its tables. sqlite (seq and",
            "                  conc only): bench.db in a fresh directory under java.io.tmpdir, deleted afterwards;",
            "                  the baseline INSERTs go to a SQLite file of their own, on one connection, with",
            "                  durable's settings (WAL, synchronous=FULL); DURABLE_BENCH_JDBC_* are not used",
            "  --steps N       steps per workflow (default 10; seq, conc, recovery)",
            "  --workflows N   measured workflows (default: seq 1000, conc 20000, recovery 10000, recv 500,",
            "                  parked 100000, queue 10000; floor: single-connection INSERTs, default 5000)",
            "  --callers N     concurrent callers: conc (default 64); parked, threads that start and that send",
            "                  (default " + PARKED_CALLERS + "); queue, producers (default " + QUEUE_CALLERS + ")",
            "  --pool N        durable's connection pool size (default " + Durable.Builder.DEFAULT_POOL_SIZE
                    + "; not used on SQLite, one connection)",
            "  --warmup N      warm-up workflows (default: conc and recv 50% of --workflows, others 10%; at least 50)",
            "  --settle-ms N   conc: pause before sampling pg_stat_database (default 11000, above PostgreSQL's",
            "                  10 s idle flush interval of backend statistics); none with --store sqlite",
            "  --analyze       ANALYZE durable's tables after the warm-up (recovery: after the crash), so the",
            "                  planner has statistics; by default the fresh database has none (PostgreSQL only)",
            "environment: DURABLE_BENCH_JDBC_URL (default jdbc:postgresql://localhost:5432/postgres),",
            "             DURABLE_BENCH_JDBC_USER (default postgres), DURABLE_BENCH_JDBC_PASSWORD (default none)");

    enum Workload {
        FLOOR(5_000), SEQ(1_000), CONC(20_000), RECOVERY(10_000), RECV(500), PARKED(100_000), QUEUE(10_000);

        final int defaultWorkflows;

        Workload(int defaultWorkflows) {
            this.defaultWorkflows = defaultWorkflows;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where durable keeps its tables during the run. */
    enum Store {
        POSTGRESQL, SQLITE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Bad command line: the message says what, {@link #USAGE} says how. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    final Workload workload;
    final Store store;
    final int steps;
    final int workflows;
    final int callers;
    final int pool;
    final int warmup;
    final long settleMillis;
    final boolean analyze;

    private Options(Workload workload, Store store, int steps, int workflows, int callers, int pool, int warmup,
                    long settleMillis, boolean analyze) {
        this.workload = workload;
        this.store = store;
        this.steps = steps;
        this.workflows = workflows;
        this.callers = callers;
        this.pool = pool;
        this.warmup = warmup;
        this.settleMillis = settleMillis;
        this.analyze = analyze;
    }

    static Options parse(String... args) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("no workload given");
        }
        Workload workload = null;
        for (Workload w : Workload.values()) {
            if (w.label().equals(args[0])) {
                workload = w;
            }
        }
        if (workload == null) {
            throw new UsageException("unknown workload '" + args[0] + "'");
        }
        Store store = Store.POSTGRESQL;
        int steps = 10;
        Integer workflows = null;
        Integer callers = null;
        int pool = Durable.Builder.DEFAULT_POOL_SIZE;
        Integer warmup = null;
        long settleMillis = 11_000;
        boolean analyze = false;
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--analyze")) {
                analyze = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new UsageException(isKnown(option) ? "option " + option + " needs a value"
                        : "unknown option '" + option + "'");
            }
            String value = args[++i];
            switch (option) {
                case "--store":
                    store = store(value);
                    break;
                case "--steps":
                    steps = number(option, value, 0);
                    break;
                case "--workflows":
                    workflows = number(option, value, 1);
                    break;
                case "--callers":
                    callers = number(option, value, 1);
                    break;
                case "--pool":
                    pool = number(option, value, 2);
                    break;
                case "--warmup":
                    warmup = number(option, value, 0);
                    break;
                case "--settle-ms":
                    settleMillis = number(option, value, 0);
                    break;
                default:
                    throw new UsageException("unknown option '" + option + "'");
            }
        }
        if (store == Store.SQLITE && workload != Workload.SEQ && workload != Workload.CONC) {
            throw new UsageException("--store sqlite: only seq and conc support SQLite; " + workload.label()
                    + " runs on PostgreSQL only");
        }
        if (store == Store.SQLITE && analyze) {
            throw new UsageException("--analyze runs PostgreSQL's ANALYZE; leave it out with --store sqlite");
        }
        int n = workflows != null ? workflows : workload.defaultWorkflows;
        if ((workload == Workload.SEQ || workload == Workload.CONC) && steps < 1) {
            throw new UsageException("--steps must be at least 1 for " + workload.label());
        }
        if (workload == Workload.RECOVERY && steps < 2) {
            throw new UsageException("--steps must be at least 2 for recovery (the crash comes half-way)");
        }
        // conc's hot methods inline deeply and take C2 over half a second each to compile on two
        // cores; with a short warm-up those compilations land inside the measured window. recv's
        // 500 round trips are few, and its code paths (send, receive, wake-up) are its own.
        boolean half = workload == Workload.CONC || workload == Workload.RECV;
        int w = warmup != null ? warmup : Math.max(50, half ? n / 2 : n / 10);
        int c = callers != null ? callers
                : workload == Workload.PARKED ? PARKED_CALLERS
                : workload == Workload.QUEUE ? QUEUE_CALLERS : CONC_CALLERS;
        return new Options(workload, store, steps, n, c, pool, w, settleMillis, analyze);
    }

    private static boolean isKnown(String option) {
        return option.equals("--store") || option.equals("--steps") || option.equals("--workflows")
                || option.equals("--callers") || option.equals("--pool") || option.equals("--warmup")
                || option.equals("--settle-ms");
    }

    private static Store store(String value) throws UsageException {
        for (Store s : Store.values()) {
            if (s.label().equals(value)) {
                return s;
            }
        }
        throw new UsageException("--store needs postgresql or sqlite, got '" + value + "'");
    }

    private static int number(String option, String value, int min) throws UsageException {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number, got '" + value + "'");
        }
        if (n < min) {
            throw new UsageException(option + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    /** Position of the step that fails (crash run) and first runs for real (recovery): half-way plus one. */
    int crashStep() {
        return steps / 2 + 1;
    }
}

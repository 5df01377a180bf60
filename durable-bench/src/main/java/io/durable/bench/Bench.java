package io.durable.bench;

/**
 * {@code java -jar durable-bench.jar WORKLOAD [--store postgresql|sqlite] [--steps N] [--workflows N]
 * [--callers N] [--pool N] [--warmup N] [--settle-ms N] [--analyze]}: runs one workload on a database of
 * its own (PostgreSQL, or a SQLite file for {@code seq} and {@code conc}) and prints one line,
 * {@code durable WORKLOAD key=value ...}, on stdout (logs go to stderr). See docs/performance.md.
 */
public final class Bench {
    private Bench() {
    }

    /**
     * @param args the workload and its options
     */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(Options.USAGE);
            System.exit(0);
        }
        int exit;
        try {
            System.out.println(run(Server.fromEnvironment(), args));
            System.out.flush();
            exit = 0;
        } catch (Options.UsageException e) {
            System.err.println("durable-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            exit = 2;
        } catch (Exception e) {
            System.err.println("durable-bench: " + args[0] + " failed: " + e);
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    /**
     * Runs a workload on a new database of {@code server} (with {@code --store sqlite}, in a new temp
     * directory), dropped afterwards, also on failure.
     *
     * @param server where to create the database; not used with {@code --store sqlite}
     * @param args   the workload and its options
     * @return the result line
     * @throws Options.UsageException when the command line is wrong
     * @throws Exception              when the run fails
     */
    static String run(Server server, String... args) throws Exception {
        Options options = Options.parse(args);
        try (BenchDatabase db = options.store == Options.Store.SQLITE ? BenchDatabase.createSqlite()
                : BenchDatabase.create(server)) {
            switch (options.workload) {
                case FLOOR:
                    return new Floor().run(db, options);
                case SEQ:
                    return new Seq().run(db, options);
                case CONC:
                    return new Conc().run(db, options);
                case RECOVERY:
                    return new Recovery().run(db, options);
                case RECV:
                    return new Recv().run(db, options);
                case PARKED:
                    return new Parked().run(db, options);
                case QUEUE:
                    return new Queued().run(db, options);
                default:
                    throw new IllegalStateException("unknown workload " + options.workload);
            }
        }
    }
}

package io.durable.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * CPU time spent in a measured window, split between this JVM and the PostgreSQL server processes,
 * plus how busy the whole machine was. On a small machine a throughput number alone swings with
 * neighbours and CPU steal; CPU time per workflow is the steadier measure of what our code costs.
 * The server's share is read from {@code /proc} and is only meaningful when PostgreSQL runs on this
 * machine; elsewhere (or without {@code /proc}) it reads as unavailable. On SQLite the database runs
 * inside this JVM: its CPU time is part of the JVM's, and no server share is measured.
 */
final class CpuMeter {
    private static final double CLOCK_TICK_NS = 10_000_000.0; // USER_HZ = 100 on Linux

    private final long jvmNanos;
    private final long serverTicks;
    private final long[] machine;

    private CpuMeter(long jvmNanos, long serverTicks, long[] machine) {
        this.jvmNanos = jvmNanos;
        this.serverTicks = serverTicks;
        this.machine = machine;
    }

    /** @param store the run's store: the PostgreSQL server processes are sampled only for PostgreSQL */
    static CpuMeter sample(Options.Store store) {
        long server = store == Options.Store.POSTGRESQL ? serverTicks() : -1;
        return new CpuMeter(jvmCpuNanos(), server, machineTicks());
    }

    /**
     * Adds {@code jvm_cpu_us_per_wf}, {@code db_cpu_us_per_wf}, {@code machine_busy_pct} and
     * {@code steal_pct} for the window; each only when both samples have it.
     */
    void addSince(CpuMeter start, int workflows, ResultLine line) {
        if (jvmNanos >= 0 && start.jvmNanos >= 0) {
            line.add("jvm_cpu_us_per_wf", (jvmNanos - start.jvmNanos) / 1e3 / workflows, 1);
        }
        if (serverTicks >= 0 && start.serverTicks >= 0) {
            line.add("db_cpu_us_per_wf", (serverTicks - start.serverTicks) * CLOCK_TICK_NS / 1e3 / workflows, 1);
        }
        if (machine != null && start.machine != null) {
            long busy = machine[0] - start.machine[0];
            long total = machine[1] - start.machine[1];
            long steal = machine[2] - start.machine[2];
            if (total > 0) {
                line.add("machine_busy_pct", 100.0 * busy / total, 0);
                line.add("steal_pct", 100.0 * steal / total, 0);
            }
        }
    }

    private static long jvmCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean bean) {
            return bean.getProcessCpuTime();
        }
        return -1;
    }

    /** utime + stime of every process named {@code postgres}, exited children not included. */
    private static long serverTicks() {
        Path proc = Paths.get("/proc");
        if (!Files.isDirectory(proc)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path entry : entries) {
                ticks += postgresTicks(entry.resolve("stat"));
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks;
    }

    private static long postgresTicks(Path stat) {
        String text;
        try {
            text = Files.readString(stat);
        } catch (IOException e) {
            return 0; // the process ended meanwhile
        }
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open || !text.substring(open + 1, close).equals("postgres")) {
            return 0;
        }
        // Fields after the command: state is field 3, utime field 14, stime field 15.
        String[] fields = text.substring(close + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * {busy, total, steal} jiffies of all CPUs from the first line of /proc/stat. Steal (time the
     * hypervisor gave to other guests) is in the total but not in busy.
     */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Paths.get("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq;
            return new long[] {busy, busy + idle + iowait + steal, steal};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

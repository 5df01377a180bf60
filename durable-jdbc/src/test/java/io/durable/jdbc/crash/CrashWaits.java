package io.durable.jdbc.crash;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.fail;

/** Waiting on conditions of a crash test (with deadlines and the child's logs in every failure). */
final class CrashWaits {
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    private CrashWaits() {
    }

    /** A database condition polled by {@link #awaitCondition}. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws SQLException;
    }

    /** Polls the condition until it holds; fails if the deadline passes or the child exits first. */
    static void awaitCondition(ChildJvm child, String awaited, long pollNanos, Condition condition)
            throws SQLException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            boolean exited = !child.isAlive(); // sampled first: a child that finished may have met the condition
            if (condition.holds()) {
                return;
            }
            if (exited) {
                fail("child " + child + " exited while waiting for " + awaited + child.logs());
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + DEADLINE + " waiting for " + awaited + child.logs());
            }
            LockSupport.parkNanos(pollNanos);
        }
    }

    /** After SIGKILL, PostgreSQL ends the dead client's sessions; until then an in-flight write may still commit. */
    static void awaitSessionsGone(Connection c, String applicationName, ChildJvm child) throws SQLException {
        if (isSqlite(c)) {
            return; // no server side: a killed process's writes ended with it (SQLite commits are atomic)
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (sessions(c, applicationName) > 0) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + DEADLINE + " waiting for the database sessions of killed child " + child
                        + " to end" + child.logs());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Tags the child's connections so the test can see when the database has let go of them. */
    static String withApplicationName(String url, String applicationName) {
        if (url.startsWith("jdbc:sqlite:")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + applicationName;
    }

    static boolean isSqlite(Connection c) throws SQLException {
        return "SQLite".equals(c.getMetaData().getDatabaseProductName());
    }

    /** @return how many sessions the database has for a client tagged with this application name */
    static long sessions(Connection c, String applicationName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

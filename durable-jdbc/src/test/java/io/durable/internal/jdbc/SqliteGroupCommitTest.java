package io.durable.internal.jdbc;

import io.durable.DurableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes queued behind a commit in progress are committed together; one that fails is undone alone
 * and fails only its caller.
 */
class SqliteGroupCommitTest {
    private static final int QUEUED = 40;
    private static final int BAD = 17;

    @TempDir
    Path dir;
    private SqliteFile file;
    private ExecutorService threads;

    @BeforeEach
    void open() {
        file = new SqliteFile(dir.resolve("group.db"), Duration.ofSeconds(10));
        file.open();
        file.write("create table", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY)");
            }
            return null;
        });
        threads = Executors.newFixedThreadPool(QUEUED + 1);
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        file.close();
    }

    @Test
    void queuedWritesCommitTogetherAndABadOneFailsAlone() throws Exception {
        SqliteGroupCommit commits = new SqliteGroupCommit(file, 512);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> commits.write("insert 0", c -> {
            firstStarted.countDown();
            await(releaseFirst);
            return insert(c, 0);
        }), threads);
        assertTrue(firstStarted.await(10, TimeUnit.SECONDS));

        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 1; i <= QUEUED; i++) {
            int id = i;
            // Row BAD collides with row 1: a primary-key violation in the middle of the batch.
            queued.add(CompletableFuture.supplyAsync(() -> commits.write("insert " + id,
                    c -> insert(c, id == BAD ? 1 : id)), threads));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (commits.queued() < QUEUED) {
            assertTrue(System.nanoTime() < deadline, "only " + commits.queued() + " writes queued");
            Thread.onSpinWait();
        }
        releaseFirst.countDown();

        assertEquals(0, first.get(10, TimeUnit.SECONDS));
        for (int i = 1; i <= QUEUED; i++) {
            if (i == BAD) {
                CompletableFuture<Integer> bad = queued.get(i - 1);
                ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
                DurableException cause = assertInstanceOf(DurableException.class, e.getCause());
                assertTrue(cause.getMessage().contains("insert " + BAD), cause.getMessage());
            } else {
                assertEquals(i, queued.get(i - 1).get(10, TimeUnit.SECONDS));
            }
        }
        long rows = file.read("count", c -> {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM rows")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertEquals(QUEUED, rows, "row 0 and every queued row but the bad one");
        assertEquals(2, commits.transactions(), "the first write alone, then all queued ones together");
    }

    private static int insert(java.sql.Connection c, int id) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
            ps.setInt(1, id);
            ps.executeUpdate();
        }
        return id;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

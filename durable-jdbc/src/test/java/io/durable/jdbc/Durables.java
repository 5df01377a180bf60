package io.durable.jdbc;

import io.durable.Durable;
import io.durable.testing.TestDatabase;

import java.time.Duration;
import java.util.List;

/** Builders for tests: a Durable on a test database with short timeouts. */
final class Durables {
    private Durables() {
    }

    /**
     * SQLite serves one executor per file: before a test's next phase opens another instance, the
     * instances its earlier phases opened are closed (on PostgreSQL they stay open side by side).
     */
    static void oneExecutorOnSqlite(TestDatabase db, List<Durable> opened) {
        if (db.isSqlite()) {
            opened.forEach(Durable::close);
            opened.clear();
        }
    }

    static Durable.Builder builder(TestDatabase db, String executorId) {
        return Durable.builder()
                .jdbcUrl(db.url(), db.user(), db.password())
                .executorId(executorId)
                .poolSize(8)
                .shutdownTimeout(Duration.ofSeconds(5));
    }
}

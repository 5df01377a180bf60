package io.durable.jdbc;

import io.durable.Durable;
import io.durable.testing.TestDatabase;

import java.time.Duration;

/** Builders for tests: a Durable on a test database with short timeouts. */
final class Durables {
    private Durables() {
    }

    static Durable.Builder builder(TestDatabase db, String executorId) {
        return Durable.builder()
                .jdbcUrl(db.url(), db.user(), db.password())
                .executorId(executorId)
                .poolSize(8)
                .shutdownTimeout(Duration.ofSeconds(5));
    }
}

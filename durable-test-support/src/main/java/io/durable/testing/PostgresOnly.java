package io.durable.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test (class or method) that only applies to PostgreSQL: several executors on one
 * database, queues, LISTEN/NOTIFY, pools and PostgreSQL's own SQL. The run with
 * {@code -Ddurable.test.store=sqlite} excludes the tag {@value #TAG}; every other test runs on both stores.
 *
 * <pre>{@code
 * @PostgresOnly // two executors take over each other's work: SQLite serves one
 * class TakeoverTest { ... }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(PostgresOnly.TAG)
public @interface PostgresOnly {
    /** The JUnit tag this annotation applies. */
    String TAG = "postgresql-only";
}

package io.durable;

/**
 * The SQLite file is already used by a running {@link Durable} instance (in this process or
 * another). SQLite serves one executor at a time; several instances need PostgreSQL. A
 * {@link DurableClient} may still use the file alongside the executor.
 *
 * <pre>{@code
 * try {
 *     Durable.builder().sqlite(Path.of("orders.db")).build().start();
 * } catch (DatabaseLockedException e) {
 *     // another process runs workflows from orders.db: stop it, or move both to PostgreSQL
 * }
 * }</pre>
 */
public class DatabaseLockedException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which file is locked, by whom, and what to do
     */
    public DatabaseLockedException(String message) {
        super(message);
    }
}

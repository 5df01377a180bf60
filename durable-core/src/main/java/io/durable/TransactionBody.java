package io.durable;

import java.sql.Connection;

/**
 * The body of a transactional step; see {@link Durable#transaction(String, TransactionBody)}. It
 * runs its JDBC work on the connection it is given, inside a transaction durable opens, and
 * commits together with the step's checkpoint: the body must neither commit, roll back, change
 * auto-commit nor close the connection.
 *
 * <pre>{@code
 * long orderId = durable.transaction("create-order", connection -> {
 *     try (PreparedStatement ps = connection.prepareStatement(
 *             "INSERT INTO orders (customer, total_cents) VALUES (?, ?) RETURNING id")) {
 *         ps.setString(1, customer);
 *         ps.setLong(2, totalCents);
 *         try (ResultSet rs = ps.executeQuery()) {
 *             rs.next();
 *             return rs.getLong(1);
 *         }
 *     }
 * });
 * }</pre>
 *
 * @param <T> the result type, recorded like any step result
 * @param <X> a checked exception the body may throw (often {@link java.sql.SQLException})
 */
@FunctionalInterface
public interface TransactionBody<T, X extends Exception> {
    /**
     * Runs the step's work in the open transaction.
     *
     * @param connection the transaction's connection, not in auto-commit mode
     * @return the value to record
     * @throws X when the step fails; the transaction is rolled back
     */
    T run(Connection connection) throws X;
}

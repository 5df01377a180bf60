package io.durable.examples.checkout;

import io.durable.Durable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static io.durable.examples.ExampleDatabase.onConnection;
import static io.durable.examples.ExampleDatabase.prepare;
import static io.durable.examples.ExampleDatabase.queryLong;
import static io.durable.examples.ExampleDatabase.update;

/**
 * The shop's steps, doing real work in the {@code shop} tables and with the (simulated) payment
 * provider. Reserving stock and creating the order are transactional steps: their writes commit
 * with their checkpoints, so they happen exactly once. Each ordinary step may run twice (its process
 * can die after the work and before durable records it), so each writes its row under a unique key
 * or updates conditionally, and when the work is already done, returns what the first run did.
 */
final class JdbcShop implements Shop {
    private final ShopDatabase db;
    private final SimulatedPaymentProvider provider;
    private final Durable durable;
    private final StepLog log;

    JdbcShop(ShopDatabase db, SimulatedPaymentProvider provider, Durable durable, StepLog log) {
        this.db = db;
        this.provider = provider;
        this.durable = durable;
        this.log = log;
    }

    @Override
    public Reservation reserveInventory(Connection connection, String sku, int quantity) {
        // Exactly once: this runs inside the transactional step that records it, so no earlier run's
        // reservation can exist. The step's idempotency key still names the reservation.
        String key = durable.idempotencyKey();
        return log.run("reserving inventory", () -> onConnection(connection, c -> {
            long price;
            int available;
            try (PreparedStatement ps = prepare(c, "SELECT price_cents, available FROM shop.inventory WHERE sku = ?"
                    + " FOR UPDATE", sku); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new OutOfStockException("the shop does not sell " + sku);
                }
                price = rs.getLong(1);
                available = rs.getInt(2);
            }
            if (available < quantity) {
                throw new OutOfStockException(sku + " is out of stock: " + quantity + " wanted, " + available
                        + " available");
            }
            update(c, "INSERT INTO shop.reservations (idempotency_key, sku, quantity) VALUES (?, ?, ?)", key, sku,
                    quantity);
            update(c, "UPDATE shop.inventory SET available = available - ? WHERE sku = ?", quantity, sku);
            return new Reservation(key, sku, quantity, price, available - quantity);
        }), r -> quantity + " x " + sku + " at " + Money.format(r.unitPriceCents()) + ", " + r.left() + " left");
    }

    @Override
    public long createOrder(Connection connection, String checkoutId, Cart cart, Reservation reservation) {
        return log.run("creating order", () -> onConnection(connection, c -> {
            update(c, "INSERT INTO shop.orders (workflow_id, customer, sku, quantity, total_cents, status)"
                    + " VALUES (?, ?, ?, ?, ?, 'CREATED')",
                    checkoutId, cart.customer(), cart.sku(), cart.quantity(), reservation.totalCents());
            return queryLong(c, "SELECT order_id FROM shop.orders WHERE workflow_id = ?", checkoutId);
        }), orderId -> "order #" + orderId);
    }

    @Override
    public String requestPayment(String checkoutId, long orderId, long amountCents) {
        // The provider takes this key with the request and answers a repeated request with the first charge.
        String key = durable.idempotencyKey();
        return log.run("requesting payment", () -> provider.charge(key, checkoutId, orderId, amountCents),
                chargeId -> Money.format(amountCents) + ", charge " + chargeId + "; the outcome comes by webhook");
    }

    @Override
    public void recordPayment(long orderId, PaymentResult payment) {
        log.run("recording payment", () -> db.inTransaction(c -> update(c, "UPDATE shop.orders SET status = 'PAID'"
                + " WHERE order_id = ? AND status = 'CREATED'", orderId)),
                updated -> "order #" + orderId + " paid, charge " + payment.chargeId());
    }

    @Override
    public void notifyWarehouse(long orderId, String sku, int quantity) {
        String key = durable.idempotencyKey();
        log.run("notifying warehouse", () -> db.inTransaction(c -> {
            update(c, "INSERT INTO shop.warehouse_notifications (idempotency_key, order_id, sku, quantity)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING", key, orderId, sku, quantity);
            return update(c, "UPDATE shop.orders SET status = 'SENT_TO_WAREHOUSE' WHERE order_id = ?", orderId);
        }), updated -> "ship " + quantity + " x " + sku + " for order #" + orderId);
    }

    @Override
    public void voidPayment(String chargeId) {
        log.run("voiding payment", () -> {
            provider.voidCharge(chargeId);
            return chargeId;
        }, id -> "charge " + id + " voided");
    }

    @Override
    public void cancelOrder(long orderId, String reason) {
        log.run("cancelling order", () -> db.inTransaction(c -> update(c, "UPDATE shop.orders SET status = 'CANCELLED',"
                + " cancel_reason = ? WHERE order_id = ? AND status = 'CREATED'", reason, orderId)),
                updated -> "order #" + orderId + " cancelled");
    }

    @Override
    public void releaseInventory(Reservation reservation) {
        log.run("releasing inventory", () -> db.inTransaction(c -> {
            // Only the first run gives the stock back: released_at is set once.
            int released = update(c, "UPDATE shop.reservations SET released_at = now() WHERE idempotency_key = ?"
                    + " AND released_at IS NULL", reservation.reservationId());
            if (released == 1) {
                update(c, "UPDATE shop.inventory SET available = available + ? WHERE sku = ?",
                        reservation.quantity(), reservation.sku());
            }
            return released;
        }), released -> reservation.quantity() + " x " + reservation.sku() + " back in stock");
    }
}

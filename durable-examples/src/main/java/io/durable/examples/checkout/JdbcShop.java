package io.durable.examples.checkout;

import io.durable.Durable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import static io.durable.examples.checkout.ShopDatabase.prepare;
import static io.durable.examples.checkout.ShopDatabase.update;

/**
 * The shop's steps, doing real work in the {@code shop} tables. Each step may run twice (its
 * process can die after the work and before durable records it), so each writes its row under a
 * unique key and, when the row is already there, returns what the first run did.
 */
final class JdbcShop implements Shop {
    private final ShopDatabase db;
    private final Durable durable;
    private final StepLog log;

    JdbcShop(ShopDatabase db, Durable durable, StepLog log) {
        this.db = db;
        this.durable = durable;
        this.log = log;
    }

    @Override
    public Reservation reserveInventory(String sku, int quantity) {
        String key = durable.idempotencyKey();
        return log.run("reserving inventory", () -> db.inTransaction(c -> {
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
            if (update(c, "INSERT INTO shop.reservations (idempotency_key, sku, quantity) VALUES (?, ?, ?)"
                    + " ON CONFLICT (idempotency_key) DO NOTHING", key, sku, quantity) == 0) {
                return new Reservation(sku, quantity, price, available); // reserved by an earlier run of this step
            }
            if (available < quantity) {
                throw new OutOfStockException(sku + " is out of stock: " + quantity + " wanted, " + available
                        + " available");
            }
            update(c, "UPDATE shop.inventory SET available = available - ? WHERE sku = ?", quantity, sku);
            return new Reservation(sku, quantity, price, available - quantity);
        }), r -> quantity + " x " + sku + " at " + Money.format(r.unitPriceCents()) + ", " + r.left() + " left");
    }

    @Override
    public long createOrder(String checkoutId, Cart cart, Reservation reservation) {
        return log.run("creating order", () -> db.inTransaction(c -> {
            // One order per checkout: workflow_id is unique.
            update(c, "INSERT INTO shop.orders (workflow_id, customer, sku, quantity, total_cents, status)"
                    + " VALUES (?, ?, ?, ?, ?, 'CREATED') ON CONFLICT (workflow_id) DO NOTHING",
                    checkoutId, cart.customer(), cart.sku(), cart.quantity(), reservation.totalCents());
            return queryLong(c, "SELECT order_id FROM shop.orders WHERE workflow_id = ?", checkoutId);
        }), orderId -> "order #" + orderId);
    }

    @Override
    public String chargePayment(long orderId, long amountCents) {
        // A real provider takes this key with the request and answers a repeated request with the
        // first charge; here shop.payments plays the provider, with the key as its primary key.
        String key = durable.idempotencyKey();
        return log.run("charging payment", () -> db.inTransaction(c -> {
            update(c, "INSERT INTO shop.payments (idempotency_key, order_id, amount_cents, charge_id)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
                    key, orderId, amountCents, "ch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
            update(c, "UPDATE shop.orders SET status = 'PAID' WHERE order_id = ?", orderId);
            try (PreparedStatement ps = prepare(c, "SELECT charge_id FROM shop.payments WHERE idempotency_key = ?", key);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }), chargeId -> Money.format(amountCents) + ", charge " + chargeId + ", simulated");
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

    private static long queryLong(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package io.durable.examples.checkout;

/**
 * Stock set aside for one checkout: the result of {@link Shop#reserveInventory}, kept in durable's
 * journal so a replay knows the price without asking the inventory again, and so the
 * compensation ({@link Shop#releaseInventory}) knows what to give back.
 *
 * <pre>{@code
 * Reservation reservation = durable.transaction("reserve-inventory", c -> shop.reserveInventory(c, "KB-42", 1));
 * long total = reservation.totalCents();
 * }</pre>
 *
 * @param reservationId  the reservation's key in {@code shop.reservations}
 * @param sku            the product
 * @param quantity       how many were reserved
 * @param unitPriceCents the price of one, in cents
 * @param left           how many were still available after this reservation
 */
public record Reservation(String reservationId, String sku, int quantity, long unitPriceCents, int left) {
    /** @return what the reserved items cost together, in cents */
    public long totalCents() {
        return unitPriceCents * quantity;
    }
}

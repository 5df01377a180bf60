package io.durable.examples.checkout;

/** Formats amounts kept in cents; money is never a floating-point number. */
final class Money {
    private Money() {
    }

    static String format(long cents) {
        return String.format("$%d.%02d", cents / 100, cents % 100);
    }
}

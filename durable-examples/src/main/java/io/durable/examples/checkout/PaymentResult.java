package io.durable.examples.checkout;

/**
 * What the payment provider's webhook says about a charge: the message a checkout waits for with
 * {@code recv} on topic {@value CheckoutWorkflow#PAYMENT_TOPIC}.
 *
 * <pre>{@code
 * durable.send(checkoutId, CheckoutWorkflow.PAYMENT_TOPIC, PaymentResult.paid("ch_81ac", 8900), "evt_81ac");
 * }</pre>
 *
 * @param chargeId      the provider's charge ID
 * @param amountCents   the amount, in cents
 * @param paid          true when the money was taken
 * @param declineReason why it was not (null when paid)
 */
public record PaymentResult(String chargeId, long amountCents, boolean paid, String declineReason) {
    /**
     * @param chargeId    the charge
     * @param amountCents how much was taken
     * @return a successful payment
     */
    public static PaymentResult paid(String chargeId, long amountCents) {
        return new PaymentResult(chargeId, amountCents, true, null);
    }

    /**
     * @param chargeId    the charge
     * @param amountCents how much was asked
     * @param reason      why the provider declined
     * @return a declined payment
     */
    public static PaymentResult declined(String chargeId, long amountCents, String reason) {
        return new PaymentResult(chargeId, amountCents, false, reason);
    }
}

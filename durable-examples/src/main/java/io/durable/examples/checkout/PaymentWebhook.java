package io.durable.examples.checkout;

/**
 * One delivery of the payment provider's webhook. Providers deliver at least once, so the same
 * event can arrive twice; its {@code eventId} is the idempotency key that lets durable drop the
 * copy.
 *
 * <pre>{@code
 * PaymentWebhook webhook = new PaymentWebhook("evt_81ac", "checkout-42", PaymentResult.paid("ch_81ac", 8900));
 * durable.send(webhook.checkoutId(), CheckoutWorkflow.PAYMENT_TOPIC, webhook.result(), webhook.eventId());
 * }</pre>
 *
 * @param eventId    the provider's event ID, the same on every delivery of this event
 * @param checkoutId the checkout the charge belongs to (the metadata the charge was created with)
 * @param result     the charge's outcome
 */
public record PaymentWebhook(String eventId, String checkoutId, PaymentResult result) {
}

package io.durable.examples.access;

/**
 * An approver's answer, the message an access request waits for with {@code recv}. It usually
 * arrives through a webhook (a click in an e-mail or a chat button), sent with the webhook's event
 * ID as idempotency key so a redelivered webhook is dropped:
 *
 * <pre>{@code
 * durable.send(requestId, "approval:manager", Decision.approve("grace@example.com", "fine"), "evt_81ac");
 * }</pre>
 *
 * @param approver who decided
 * @param approved true to approve, false to deny
 * @param comment  why (required for a denial, recorded as the request's reason)
 */
public record Decision(String approver, boolean approved, String comment) {
    /**
     * @param approver who approves
     * @param comment  an optional note
     * @return an approval
     */
    public static Decision approve(String approver, String comment) {
        return new Decision(approver, true, comment);
    }

    /**
     * @param approver who denies
     * @param reason   why
     * @return a denial
     */
    public static Decision deny(String approver, String reason) {
        return new Decision(approver, false, reason);
    }
}

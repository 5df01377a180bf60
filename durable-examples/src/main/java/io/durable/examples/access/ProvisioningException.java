package io.durable.examples.access;

/**
 * The external directory refused or failed to grant a role. Thrown by {@link Provisioning}; once
 * its retries are spent durable records it, and a replay rethrows the recorded one (rebuilt from
 * its message), so the workflow's {@code catch} takes the same path every time.
 *
 * <pre>{@code
 * try {
 *     grantId = provisioning.grant(requestId, user, role);
 * } catch (ProvisioningException e) {
 *     steps.removeRole(requestId, user, role); // compensate
 * }
 * }</pre>
 */
public class ProvisioningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the directory answered (durable rebuilds the exception from it)
     */
    public ProvisioningException(String message) {
        super(message);
    }
}

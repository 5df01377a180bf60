package io.durable.examples.access;

import io.durable.Step;

/**
 * The external system that really grants roles (an identity provider, LDAP, a cloud IAM API):
 * the second step of the provisioning saga. It is a durable step with retries: a transient
 * failure is retried, and only when every attempt failed does the workflow see the exception
 * (and compensate).
 *
 * <pre>{@code
 * Provisioning directory = durable.register(Provisioning.class, new SimulatedDirectory(System.out));
 * String grantId = directory.grant("access-42", "ada@example.com", "payments-admin"); // inside the workflow
 * }</pre>
 *
 * <p>A step may run again after a crash, so implementations pass {@code durable.idempotencyKey()}
 * to the external API, which answers a repeated call with the first grant.
 */
public interface Provisioning {
    /** Attempts made before a failure is final. */
    int MAX_ATTEMPTS = 3;

    /**
     * Grants the role in the external directory.
     *
     * @param requestId the access request, for the directory's audit trail
     * @param user      who gets the role
     * @param role      the role
     * @return the directory's grant ID
     * @throws ProvisioningException when the directory fails, after {@link #MAX_ATTEMPTS} attempts
     */
    @Step(name = "grant-in-directory", maxAttempts = MAX_ATTEMPTS, initialBackoffMillis = 100)
    String grant(String requestId, String user, String role);
}

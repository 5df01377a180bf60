package io.durable.examples.access;

import java.util.Objects;

/**
 * One link in an access request's approval chain: who must approve, in which capacity. Each
 * approver answers on a topic of its own, so a manager's late answer can never be taken for the
 * security owner's.
 *
 * <pre>{@code
 * Approver manager = new Approver("manager", "grace@example.com");
 * durable.send(requestId, manager.topic(), Decision.approve("grace@example.com", "ok"));
 * }</pre>
 *
 * @param title  the capacity, e.g. {@code manager} or {@code security-owner}; names the topic
 * @param person who holds it
 */
public record Approver(String title, String person) {
    /** Requires both parts. */
    public Approver {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(person, "person");
        if (title.isBlank() || person.isBlank()) {
            throw new IllegalArgumentException("an approver needs a title and a person");
        }
    }

    /** @return the topic this approver's decision is sent on: {@code approval:<title>} */
    public String topic() {
        return "approval:" + title;
    }

    /** @return e.g. {@code manager grace@example.com} */
    public String describe() {
        return title + " " + person;
    }
}

package io.durable;

/**
 * Invalid configuration, reported at {@code build()} (or registration) with what to change.
 *
 * <pre>{@code
 * Durable.builder().schema("bad name!").build(); // throws ConfigurationException naming "schema"
 * }</pre>
 */
public class ConfigurationException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and what to change
     */
    public ConfigurationException(String message) {
        super(message);
    }
}

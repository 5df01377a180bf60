package io.durable.internal.util;

/** Rethrows a checked exception without declaring it, where the caller's signature already does. */
public final class Sneaky {
    private Sneaky() {
    }

    /**
     * @param error the exception to throw as it is
     * @param <X>   inferred as an unchecked type at the call site
     * @return never returns
     * @throws X always
     */
    @SuppressWarnings("unchecked")
    public static <X extends Throwable> RuntimeException rethrow(Throwable error) throws X {
        throw (X) error;
    }
}

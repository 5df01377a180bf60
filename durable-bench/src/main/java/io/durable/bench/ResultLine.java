package io.durable.bench;

/** {@code durable WORKLOAD key=value ...}: the one line a workload prints on stdout. */
final class ResultLine {
    private final StringBuilder line;

    ResultLine(String workload) {
        line = new StringBuilder("durable ").append(workload);
    }

    ResultLine add(String key, Object value) {
        line.append(' ').append(key).append('=').append(value);
        return this;
    }

    ResultLine add(String key, double value, int decimals) {
        return add(key, Stats.fixed(value, decimals));
    }

    /**
     * Ends the line with {@code store=sqlite} on SQLite; adds nothing on PostgreSQL, so its lines read
     * as they did before {@code --store}.
     */
    ResultLine addStore(Options.Store store) {
        return store == Options.Store.POSTGRESQL ? this : add("store", store.label());
    }

    @Override
    public String toString() {
        return line.toString();
    }
}

/**
 * durable: durable workflows and steps checkpointed into the application's own database.
 * Applications use the package {@code io.durable} only; the store SPI is exported solely to the
 * relational store module.
 */
module io.durable {
    requires transitive java.sql;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.datatype.jsr310;

    exports io.durable;
    exports io.durable.internal.store to io.durable.jdbc;

    uses io.durable.internal.store.StoreFactory;
}

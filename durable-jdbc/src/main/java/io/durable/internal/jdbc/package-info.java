/**
 * The relational store of {@code durable}. Not API: may change in any release without notice.
 */
package io.durable.internal.jdbc;

/**
 * Test support shared by every module: finds a PostgreSQL server and gives each test class its own
 * fresh database. Not part of the library's API.
 */
package io.durable.testing;

/**
 * Helpers every feature's persistence uses: advisory locks, telling a database outage from other
 * failures, and the ids rows are keyed by. Entities and queries stay in their feature; nothing here
 * imports a feature package.
 */
package dev.filesapi.database;

/**
 * What the service tells operators about requests: the one log line per request and its notes, and
 * the metrics setup. Health checks stay with the dependency they check; nothing here imports a
 * feature package (a feature supplies what a line says through the interfaces owned here).
 */
package dev.filesapi.observability;

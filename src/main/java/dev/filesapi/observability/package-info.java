/**
 * What the service tells operators about requests: the one log line per request and its notes, and
 * the metrics setup. Health checks stay with the dependency they check; nothing here imports a
 * feature package (the authenticating feature implements {@link
 * dev.filesapi.observability.RequestOrganization} for the log line).
 */
package dev.filesapi.observability;

/**
 * The RFC 9457 problem model: {@link dev.filesapi.problem.ApiException} thrown by services, the
 * {@link dev.filesapi.problem.Problem} body and the mappers that turn every failure into one. A
 * feature's own exceptions are mapped in that feature; nothing here imports a feature package.
 */
package dev.filesapi.problem;

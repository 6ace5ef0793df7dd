/**
 * Filters of the OpenAPI document ({@code OASFilter}s run at build time), not of requests: tag
 * order, problem answers, bodiless answers. What an operation documents stays in its resource's
 * annotations; nothing here imports a feature package.
 */
package dev.filesapi.openapi;

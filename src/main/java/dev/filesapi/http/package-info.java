/**
 * Guards and plumbing of the HTTP layer that hold for every route, whatever their mechanism (Vert.x
 * route, JAX-RS filter, Jackson setup): body size and type limits, control characters, strict JSON,
 * query parameters, closing connections and listeners. Guards of one feature (the API key, the
 * admin token, Uppy's token path) stay in that feature, which declares its routes' own body limits
 * through {@link dev.filesapi.http.RouteBodyLimit}; nothing here imports a feature package.
 */
package dev.filesapi.http;

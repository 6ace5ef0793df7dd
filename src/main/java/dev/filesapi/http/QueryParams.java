package dev.filesapi.http;

import dev.filesapi.problem.ApiException;

/**
 * Integer query parameters parsed by hand, so that "abc" or an out-of-range number is a 400 problem
 * naming the parameter rather than the framework's 404.
 */
public final class QueryParams {
  private QueryParams() {}

  public static int intParam(String name, String value, int defaultValue, int min, int max) {
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.validation(name, "must be an integer between " + min + " and " + max);
  }
}

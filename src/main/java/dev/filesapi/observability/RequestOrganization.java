package dev.filesapi.observability;

import java.util.Optional;

/**
 * The organization the current request acts for, as {@link RequestLog} tells it: implemented by the
 * request-scoped bean that authenticates the request.
 */
public interface RequestOrganization {
  /** The organization's id, when the request was authenticated as one. */
  Optional<String> organizationIdIfKnown();
}

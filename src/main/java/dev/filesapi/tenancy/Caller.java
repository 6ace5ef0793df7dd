package dev.filesapi.tenancy;

import jakarta.enterprise.context.RequestScoped;

/** The organization the current request acts for, set by {@link ApiKeyFilter}. */
@RequestScoped
public class Caller {
  private String organizationId;

  void authenticate(String organizationId) {
    this.organizationId = organizationId;
  }

  /** The organization, when this request was authenticated by an API key. */
  public java.util.Optional<String> organizationIdIfKnown() {
    return java.util.Optional.ofNullable(organizationId);
  }

  public String organizationId() {
    if (organizationId == null) {
      throw new IllegalStateException("no authenticated caller on this request");
    }
    return organizationId;
  }
}

package dev.filesapi.tenancy;

import dev.filesapi.observability.RequestOrganization;
import jakarta.enterprise.context.RequestScoped;

/** The organization the current request acts for and its key, set by {@link ApiKeyFilter}. */
@RequestScoped
public class Caller implements RequestOrganization {
  private String organizationId;
  private String keyId;

  void authenticate(String organizationId, String keyId) {
    this.organizationId = organizationId;
    this.keyId = keyId;
  }

  /** The id of the API key this request was authenticated by ({@code key_…}), when it was. */
  public java.util.Optional<String> keyIdIfKnown() {
    return java.util.Optional.ofNullable(keyId);
  }

  /** The organization, when this request was authenticated by an API key. */
  @Override
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

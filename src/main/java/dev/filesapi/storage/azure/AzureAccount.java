package dev.filesapi.storage.azure;

import java.net.URI;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A storage account as a connection string names it: its name, its key and its blob endpoint
 * ({@code https://NAME.blob.core.windows.net}, or Azurite's path-style {@code
 * http://127.0.0.1:10000/devstoreaccount1}).
 */
record AzureAccount(String name, byte[] key, URI blobEndpoint) {

  /** Azurite's well-known development account (its README; not a secret). */
  static final String DEVELOPMENT_ACCOUNT = "devstoreaccount1";

  private static final String DEVELOPMENT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  AzureAccount {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(key, "key is null");
    Objects.requireNonNull(blobEndpoint, "blobEndpoint is null");
  }

  /**
   * Reads a connection string; its message names what is missing, never the key.
   *
   * @throws IllegalStateException when the string lacks the account, its key or an endpoint
   */
  static AzureAccount parse(String connectionString) {
    Map<String, String> fields = new HashMap<>();
    for (String field : connectionString.split(";")) {
      int equals = field.indexOf('=');
      if (equals > 0) {
        fields.put(
            field.substring(0, equals).strip().toLowerCase(Locale.ROOT),
            field.substring(equals + 1).strip());
      }
    }
    if ("true".equalsIgnoreCase(fields.get("usedevelopmentstorage"))) {
      fields.putIfAbsent("accountname", DEVELOPMENT_ACCOUNT);
      fields.putIfAbsent("accountkey", DEVELOPMENT_KEY);
      fields.putIfAbsent("blobendpoint", "http://127.0.0.1:10000/" + DEVELOPMENT_ACCOUNT);
    }
    String name = fields.get("accountname");
    String key = fields.get("accountkey");
    if (name == null || name.isEmpty() || key == null || key.isEmpty()) {
      throw new IllegalStateException(
          "files.storage.azure.connection-string must name AccountName and AccountKey (the"
              + " account key signs part URLs locally; a SharedAccessSignature cannot)");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "files.storage.azure.connection-string: AccountKey is not base64");
    }
    String endpoint = fields.get("blobendpoint");
    if (endpoint == null) {
      String protocol = fields.getOrDefault("defaultendpointsprotocol", "https");
      String suffix = fields.getOrDefault("endpointsuffix", "core.windows.net");
      endpoint = protocol + "://" + name + ".blob." + suffix;
    }
    while (endpoint.endsWith("/")) {
      endpoint = endpoint.substring(0, endpoint.length() - 1);
    }
    return new AzureAccount(name, decoded, URI.create(endpoint));
  }

  @Override
  public String toString() {
    return "AzureAccount[" + name + " at " + blobEndpoint + "]"; // never the key
  }
}

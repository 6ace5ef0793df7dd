package dev.filesapi.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The operators' blocking hooks; every key is in docs/configuration.md. */
@ConfigMapping(prefix = "files.hooks")
public interface HookConfig {
  /** Asked before an upload is created; a 4xx answer refuses it (403 rejected_by_hook). */
  Optional<String> preInitiateUrl();

  /**
   * Asked with a presigned GET of the assembled object before the file is registered; a 4xx answer
   * deletes the object and fails the upload (422 rejected_by_hook).
   */
  Optional<String> preCompleteUrl();

  /** Signs hook requests per Standard Webhooks ({@code whsec_…}); unsigned without one. */
  Optional<String> secret();

  /** How long a hook may take to answer. */
  @WithDefault("5s")
  Duration timeout();

  /**
   * What a hook that cannot be asked (no answer, a 5xx, a redirect) means: false (default) refuses
   * with 503 hook_unavailable, true lets the request through.
   */
  @WithDefault("false")
  boolean failOpen();

  /** Lifetime of the presigned GET the pre-complete hook receives. */
  @WithDefault("15m")
  Duration downloadUrlTtl();
}

package dev.filesapi.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One event's delivery to one endpoint, with every attempt. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // native image: also serialised as DeliveryPage elements
public record DeliveryView(
    @Schema(
            description = "The event's id: the webhook-id header, and this delivery's id",
            example = "evt_8f2k4m6p9r1t3v5x7z0b2d4f6h")
        String eventId,
    @Schema(example = "upload.completed") String eventType,
    @Schema(enumeration = {"pending", "delivered", "failed"}) String status,
    @Schema(description = "Attempts since it was created or last redelivered") int numAttempts,
    @Schema(description = "When it is tried next (pending only)") Instant nextAttemptAt,
    Instant deliveredAt,
    Instant createdAt,
    List<AttemptView> attempts,
    @JsonRawValue @Schema(type = SchemaType.OBJECT, description = "The body POSTed (the event)")
        String payload) {

  /** One POST: its answer's status, or what went wrong instead. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AttemptView(
      int number,
      Instant attemptedAt,
      long durationMs,
      @Schema(example = "500") Integer responseStatus,
      @Schema(example = "timed out after 10s") String error) {}
}

package dev.filesapi.upload;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /files/uploads/{id}/complete}. */
public record CompleteRequest(
    @Schema(
            description =
                "Tokens of the parts not checkpointed yet (empty when all are); these win over checkpointed ones")
        @Size(max = 10_000)
        List<@NotNull @Valid PartTokenEntry> parts,
    @Schema(
            description =
                "Base64 whole-file checksum in the upload's integrity_algorithm; not allowed with `none`")
        String integrityChecksum) {

  List<PartTokenEntry> partsOrEmpty() {
    return parts == null ? List.of() : parts;
  }
}

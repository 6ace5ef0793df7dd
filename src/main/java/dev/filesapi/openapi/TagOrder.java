package dev.filesapi.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.tags.Tag;

/**
 * The document's tags in the order a newcomer meets the API, which Swagger UI shows them in:
 * uploads and files first, then webhooks and the Uppy adapter, the operators' admin endpoints last
 * (the scanner would list them alphabetically, Admin first). Tags not named here keep their place
 * after these.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class TagOrder implements OASFilter {
  static final List<String> ORDER = List.of("Uploads", "Files", "Webhooks", "Uppy", "Admin");

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    if (openAPI.getTags() == null) {
      return;
    }
    List<Tag> tags = new ArrayList<>(openAPI.getTags());
    tags.sort(Comparator.comparingInt(TagOrder::rank));
    openAPI.setTags(tags);
  }

  private static int rank(Tag tag) {
    int rank = ORDER.indexOf(tag.getName());
    return rank < 0 ? ORDER.size() : rank;
  }
}

package dev.filesapi.upload;

import java.util.List;

/** Fresh descriptors in the same length and order as the request's part numbers. */
public record PartUrlsResponse(List<PartDescriptor> parts) {}

package dev.filesapi.events;

import java.util.List;

/** A page of an endpoint's deliveries, newest first. */
public record DeliveryPage(List<DeliveryView> deliveries, String nextCursor) {}

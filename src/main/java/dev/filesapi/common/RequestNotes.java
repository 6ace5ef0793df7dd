package dev.filesapi.common;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import jakarta.enterprise.context.RequestScoped;

/**
 * What the code serving an API request wants said in that request's one log line (an upload's state
 * changes), instead of lines of its own: {@link RequestLog} writes them at the end.
 */
@RequestScoped
public class RequestNotes {
  private boolean apiRequest;
  private StringBuilder text;

  /** Called by {@link RequestLog} when an API request starts. */
  void apiRequest() {
    apiRequest = true;
  }

  /** The notes, joined with {@code "; "}, or null. */
  String text() {
    return text == null ? null : text.toString();
  }

  /**
   * Adds {@code note} to the current API request's log line. False when there is none to add it to
   * (a scheduled job, or request lines are off): the caller logs it itself.
   */
  public static boolean add(String note) {
    if (!RequestLog.enabled()) {
      return false;
    }
    ArcContainer container = Arc.container();
    if (container == null || !container.requestContext().isActive()) {
      return false;
    }
    // Through methods: the instance is a client proxy, whose own fields are not the request's.
    return container.instance(RequestNotes.class).get().append(note);
  }

  boolean append(String note) {
    if (!apiRequest) {
      return false;
    }
    if (text == null) {
      text = new StringBuilder(note);
    } else {
      text.append("; ").append(note);
    }
    return true;
  }
}

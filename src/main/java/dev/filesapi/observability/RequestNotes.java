package dev.filesapi.observability;

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
   * Notes of work this thread does for a request served by another thread (see {@link #deferred}).
   */
  private static final ThreadLocal<StringBuilder> DEFERRED = new ThreadLocal<>();

  /**
   * Runs work for a request on another thread (a complete's background work), collecting its notes
   * into {@code into} instead of lines of their own; the request adds them to its line when it gets
   * the work's outcome. Nothing is collected when request lines are off.
   */
  public static <T> T deferred(StringBuilder into, java.util.function.Supplier<T> work) {
    DEFERRED.set(into);
    try {
      return work.get();
    } finally {
      DEFERRED.remove();
    }
  }

  /**
   * Adds {@code note} to the current API request's log line. False when there is none to add it to
   * (a scheduled job, or request lines are off): the caller logs it itself.
   */
  public static boolean add(String note) {
    if (!RequestLog.enabled()) {
      return false;
    }
    StringBuilder deferred = DEFERRED.get();
    if (deferred != null) {
      deferred.append(deferred.isEmpty() ? "" : "; ").append(note);
      return true;
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

package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.events.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The upload state machine's table, walked whole, and the docs' state diagram held against it. */
class UploadTransitionTest {
  private static final Pattern ARROW =
      Pattern.compile("^\\s*(\\[\\*\\]|[a-z_]+)\\s*-->\\s*([a-z_]+)\\s*:\\s*(\\S+)\\s*$");

  /** The lifecycle the contract describes, written out independently of the table. */
  private static final Set<String> EXPECTED =
      Set.of(
          "new->in_progress",
          "in_progress->completing",
          "completing->completed",
          "completing->in_progress",
          "completing->failed",
          "in_progress->aborted",
          "in_progress->expired");

  @Test
  void everyPairOfStatusesIsAllowedExactlyWhenTheLifecycleHasIt() {
    List<UploadStatus> froms = new ArrayList<>(Arrays.asList(UploadStatus.values()));
    froms.add(null);
    for (UploadStatus from : froms) {
      for (UploadStatus to : UploadStatus.values()) {
        boolean expected = EXPECTED.contains(name(from) + "->" + to.wireName());
        assertThat(UploadTransition.between(from, to).isPresent())
            .as("%s -> %s", name(from), to.wireName())
            .isEqualTo(expected);
        if (expected) {
          UploadTransition transition = UploadTransition.of(from, to);
          assertThat(transition.from()).isEqualTo(from);
          assertThat(transition.to()).isEqualTo(to);
        } else {
          assertThatThrownBy(() -> UploadTransition.of(from, to))
              .isInstanceOf(IllegalStateException.class)
              .hasMessage("an upload may not go from " + name(from) + " to " + to.wireName());
        }
      }
    }
    assertThat(UploadTransition.values()).hasSize(EXPECTED.size());
  }

  @Test
  void finishedUploadsNeverMoveAgain() {
    for (UploadStatus end :
        List.of(
            UploadStatus.COMPLETED,
            UploadStatus.ABORTED,
            UploadStatus.EXPIRED,
            UploadStatus.FAILED)) {
      assertThat(Arrays.stream(UploadTransition.values()).filter(t -> t.from() == end)).isEmpty();
    }
  }

  @Test
  void eachTransitionRaisesTheWebhookEventOfTheContract() {
    assertThat(UploadTransition.INITIATE.event()).contains(EventType.UPLOAD_INITIATED);
    assertThat(UploadTransition.COMPLETE.event()).contains(EventType.UPLOAD_COMPLETED);
    assertThat(UploadTransition.ABORT.event()).contains(EventType.UPLOAD_ABORTED);
    assertThat(UploadTransition.EXPIRE.event()).contains(EventType.UPLOAD_EXPIRED);
    assertThat(UploadTransition.FAIL.event()).contains(EventType.UPLOAD_FAILED);
    assertThat(UploadTransition.BEGIN_COMPLETE.event()).isEmpty();
    assertThat(UploadTransition.REOPEN.event()).isEmpty();
    Set<String> counted =
        Arrays.stream(UploadTransition.values())
            .map(UploadTransition::counted)
            .collect(Collectors.toSet());
    assertThat(counted)
        .containsExactlyInAnyOrder(
            "initiated", "completing", "completed", "reopened", "failed", "aborted", "expired");
  }

  @Test
  void theLifecycleRefusesAChangeTheTableDoesNotAllowBeforeWritingAnything() {
    UploadLifecycle lifecycle = new UploadLifecycle(null, null, Clock.systemUTC());
    Upload upload = new Upload();
    upload.status = UploadStatus.COMPLETED;

    assertThatThrownBy(() -> lifecycle.move(upload, UploadStatus.IN_PROGRESS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("an upload may not go from completed to in_progress");
    assertThat(upload.status).isEqualTo(UploadStatus.COMPLETED);
    assertThat(upload.updatedAt).isNull();
  }

  /**
   * docs/architecture.md draws the state diagram in Mermaid; each arrow is one row of the table.
   */
  @Test
  void theDocsStateDiagramIsTheTable() throws IOException {
    Path doc = Path.of("docs/architecture.md");
    String text = Files.readString(doc);
    int start = text.indexOf("stateDiagram-v2");
    assertThat(start).as("a stateDiagram-v2 block in %s", doc).isPositive();
    String diagram = text.substring(start, text.indexOf("```", start));
    Set<String> drawn = new HashSet<>();
    for (String line : diagram.lines().toList()) {
      Matcher arrow = ARROW.matcher(line);
      if (arrow.matches()) {
        String from = arrow.group(1).equals("[*]") ? "new" : arrow.group(1);
        drawn.add(from + "->" + arrow.group(2) + ":" + arrow.group(3));
      }
    }
    Set<String> table =
        Arrays.stream(UploadTransition.values())
            .map(t -> name(t.from()) + "->" + t.to().wireName() + ":" + t.name().toLowerCase())
            .collect(Collectors.toSet());
    assertThat(drawn).isEqualTo(table);
  }

  private static String name(UploadStatus status) {
    return Optional.ofNullable(status).map(UploadStatus::wireName).orElse("new");
  }
}

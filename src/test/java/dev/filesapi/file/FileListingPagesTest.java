package dev.filesapi.file;

import static dev.filesapi.file.FileFixtures.bytes;
import static dev.filesapi.support.Api.plain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Problems;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listing pages: the {@code Link: <…>; rel="next"} continuation of shard and cursor pages (a keyset
 * on file_index), shards at and past the end, and file_index the same in the listing and in the
 * single record.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class FileListingPagesTest {
  private static final Pattern NEXT = Pattern.compile("^<([^>]+)>;\\s*rel=\"next\"$");

  private String key;

  @BeforeEach
  void anOrganization() {
    key = Tenants.newOrganizationKey("pages-" + UUID.randomUUID());
  }

  @Test
  void followingTheLinksListsEveryFileOnceWhileOthersAreAddedAndDeleted() throws Exception {
    List<String> existing = upload("existing", 23);
    Set<String> deleted = new HashSet<>();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    AtomicBoolean paging = new AtomicBoolean(true);
    AtomicInteger added = new AtomicInteger();
    // Files registered while the pages are read: they land after every existing file.
    Future<?> adding =
        writer.submit(
            () -> {
              while (paging.get() && added.get() < 40) {
                upload1("added-" + added.incrementAndGet());
              }
              return null;
            });

    List<Map<String, Object>> seen = new ArrayList<>();
    Response page = plain(key).get("/v1/files/metadata?max_items_per_shard=4&shard_index=0");
    int pages = 0;
    while (true) {
      assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
      List<Map<String, Object>> records = page.jsonPath().getList("$");
      seen.addAll(records);
      pages++;
      if (pages == 2) {
        // Deleting a file not listed yet, and one listed already, moves nothing.
        for (String name : List.of(existing.get(15), existing.get(1))) {
          Api.delete(key, name).then().statusCode(200);
          deleted.add(name);
        }
      }
      String link = page.getHeader("Link");
      if (link == null) {
        break;
      }
      page = plain(key).urlEncodingEnabled(false).get(next(link));
    }
    paging.set(false);
    adding.get();
    writer.shutdown();

    List<String> names = seen.stream().map(r -> (String) r.get("file_id")).toList();
    assertThat(names).as("no file twice").doesNotHaveDuplicates();
    for (String name : existing) {
      if (!deleted.contains(name) || name.equals(existing.get(1))) {
        assertThat(names).as("existing file %s listed", name).contains(name);
      }
    }
    assertThat(names).doesNotContain(existing.get(15));
    assertThat(seen)
        .extracting(r -> ((Number) r.get("file_index")).longValue())
        .isSortedAccordingTo(Long::compare);
    // Existing files come first, in their order; added ones after them.
    List<String> existingSeen = names.stream().filter(n -> n.startsWith("existing")).toList();
    assertThat(existingSeen)
        .containsExactlyElementsOf(
            existing.stream().filter(n -> !n.equals(existing.get(15))).toList());
  }

  @Test
  void theLinkKeepsTheFileTypeAndThePageSizeAndTheLastPageHasNone() {
    List<String> typed = new ArrayList<>();
    String type = "application/x-pages-" + UUID.randomUUID();
    for (int i = 0; i < 5; i++) {
      String name = "typed-" + i + ".txt";
      Api.uploadFile(key, name, bytes("t"), type);
      Api.uploadFile(key, "other-" + i + ".txt", bytes("o"), "text/plain");
      typed.add(name);
    }

    Response first =
        plain(key)
            .queryParam("file_type", type)
            .queryParam("max_items_per_shard", 2)
            .get("/v1/files/metadata");
    String link = first.getHeader("Link");
    assertThat(link).isNotNull();
    URI next = URI.create(NEXT.matcher(link).results().findFirst().orElseThrow().group(1));
    assertThat(next.getPath()).isEqualTo("/v1/files/metadata");
    assertThat(next.getQuery())
        .contains("file_type=" + type)
        .contains("max_items_per_shard=2")
        .contains("cursor=")
        .doesNotContain("shard_index");

    List<String> names = new ArrayList<>(first.jsonPath().getList("file_id"));
    Response page = first;
    while (page.getHeader("Link") != null) {
      page = plain(key).urlEncodingEnabled(false).get(next(page.getHeader("Link")));
      assertThat(page.statusCode()).isEqualTo(200);
      names.addAll(page.jsonPath().getList("file_id"));
    }
    assertThat(names).containsExactlyElementsOf(typed);
    assertThat(page.jsonPath().getList("$")).hasSize(1);
  }

  @Test
  void aShardThatEndsAtTheLastFileHasNoLink() {
    upload("exact", 4);

    Response full = plain(key).get("/v1/files/metadata?max_items_per_shard=4&shard_index=0");
    assertThat(full.jsonPath().getList("$")).hasSize(4);
    assertThat(full.getHeader("Link")).isNull();

    Response cursorPage = plain(key).get("/v1/files/metadata?max_items_per_shard=2&shard_index=0");
    Response last = plain(key).urlEncodingEnabled(false).get(next(cursorPage.getHeader("Link")));
    assertThat(last.jsonPath().getList("$")).hasSize(2);
    assertThat(last.getHeader("Link")).isNull();
  }

  @Test
  void shardsAtAndPastTheEndAreEmpty() {
    upload("end", 3);

    for (String query :
        List.of(
            "shard_index=1&max_items_per_shard=3",
            "shard_index=3&max_items_per_shard=1",
            "shard_index=2147483647&max_items_per_shard=1000")) {
      Response response = plain(key).get("/v1/files/metadata?" + query);
      assertThat(response.statusCode()).as(query).isEqualTo(200);
      assertThat(response.asString()).as(query).isEqualTo("[]");
      assertThat(response.getHeader("Link")).as(query).isNull();
    }
    Response lastOne = plain(key).get("/v1/files/metadata?shard_index=2&max_items_per_shard=1");
    assertThat(lastOne.jsonPath().getList("file_id")).containsExactly("end-2.txt");
  }

  @Test
  void fileIndexIsTheSameInTheListingInPagesAndInTheSingleRecord() {
    upload("same", 5);

    List<Map<String, Object>> whole = plain(key).get("/v1/files/metadata").jsonPath().getList("$");
    List<Map<String, Object>> paged = new ArrayList<>();
    Response page = plain(key).get("/v1/files/metadata?max_items_per_shard=2&shard_index=0");
    paged.addAll(page.jsonPath().getList("$"));
    while (page.getHeader("Link") != null) {
      page = plain(key).urlEncodingEnabled(false).get(next(page.getHeader("Link")));
      paged.addAll(page.jsonPath().getList("$"));
    }
    List<Map<String, Object>> shard1 =
        plain(key)
            .get("/v1/files/metadata?max_items_per_shard=2&shard_index=1")
            .jsonPath()
            .getList("$");

    assertThat(paged).isEqualTo(whole);
    assertThat(shard1).isEqualTo(whole.subList(2, 4));
    for (Map<String, Object> record : whole) {
      Object single =
          Api.metadata(key, (String) record.get("file_id")).jsonPath().get("file_index");
      assertThat(((Number) single).longValue())
          .isEqualTo(((Number) record.get("file_index")).longValue());
    }
  }

  @Test
  void everyShardIsItsSliceOfTheWholeListCountedFromEitherEnd() {
    upload("slice", 8);
    Api.delete(key, "slice-3.txt").then().statusCode(200);
    Api.uploadFile(key, "slice-0.txt", bytes("replaced"), "text/plain");
    Api.uploadFile(key, "other.csv", bytes("typed"), "text/csv");
    List<Object> whole = plain(key).get("/v1/files/metadata").jsonPath().getList("file_id");
    assertThat(whole).hasSize(8);

    for (int size = 1; size <= 4; size++) {
      for (int shard = 0; shard * size <= whole.size(); shard++) {
        List<Object> expected =
            whole.subList(
                Math.min(shard * size, whole.size()), Math.min((shard + 1) * size, whole.size()));
        List<Object> got =
            plain(key)
                .get("/v1/files/metadata?shard_index=" + shard + "&max_items_per_shard=" + size)
                .jsonPath()
                .getList("file_id");
        assertThat(got).as("shard %d of %d", shard, size).isEqualTo(expected);
      }
    }
    List<Object> plain = whole.stream().filter(name -> !"other.csv".equals(name)).toList();
    for (int shard = 0; shard <= plain.size(); shard++) {
      List<Object> got =
          plain(key)
              .queryParam("file_type", "text/plain")
              .get("/v1/files/metadata?max_items_per_shard=1&shard_index=" + shard)
              .jsonPath()
              .getList("file_id");
      assertThat(got)
          .as("text/plain shard %d", shard)
          .isEqualTo(
              plain.subList(Math.min(shard, plain.size()), Math.min(shard + 1, plain.size())));
    }
  }

  @Test
  void aReplacedFileMovesToTheEndWithANewIndex() {
    upload("moving", 3);
    long before = Api.metadata(key, "moving-0.txt").jsonPath().getLong("file_index");

    Api.uploadFile(key, "moving-0.txt", bytes("again"), "text/plain");

    long after = Api.metadata(key, "moving-0.txt").jsonPath().getLong("file_index");
    assertThat(after).isGreaterThan(before);
    assertThat(plain(key).get("/v1/files/metadata").jsonPath().getList("file_id"))
        .containsExactly("moving-1.txt", "moving-2.txt", "moving-0.txt");
  }

  @ParameterizedTest(name = "cursor={0}")
  @ValueSource(
      strings = {
        "abc",
        "!!!!",
        "Zmk6", // fi:
        "Zmk6LTE", // fi:-1
        "Zmk6eA", // fi:x
        "dXA6MTIz", // up:123
        "Zmk6OTk5OTk5OTk5OTk5OTk5OTk5OTk", // fi:99999999999999999999 (over a long)
      })
  void aCursorThisServiceDidNotIssueIsInvalidCursor(String cursor) {
    Response response =
        plain(key).urlEncodingEnabled(false).get("/v1/files/metadata?cursor=" + cursor);

    assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.jsonPath().getString("code")).isEqualTo("invalid_cursor");
    assertThat(response.jsonPath().getList("errors.field")).containsExactly("cursor");
  }

  @Test
  void anUploadCursorIsNotAFileCursor() {
    String uploadCursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("1700000000000000:upl_x".getBytes(StandardCharsets.UTF_8));
    assertThat(plain(key).get("/v1/files/metadata?cursor=" + uploadCursor).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aCursorGoesWithAPageSizeAndWithoutAShardIndex() {
    upload("params", 3);
    Response first = plain(key).get("/v1/files/metadata?max_items_per_shard=1");
    String cursor = next(first.getHeader("Link")).replaceAll(".*cursor=([^&]+).*", "$1");

    Problems.validationOf(
        plain(key).get("/v1/files/metadata?cursor=" + cursor + "&shard_index=0"), "shard_index");
    Problems.validationOf(
        plain(key).get("/v1/files/metadata?cursor=" + cursor + "&max_items_per_shard=-1"),
        "max_items_per_shard");
    Problems.validationOf(
        plain(key).get("/v1/files/metadata?cursor=" + cursor + "&max_items_per_shard=1001"),
        "max_items_per_shard");
    // Without max_items_per_shard a cursor page has up to 1,000 records.
    assertThat(plain(key).get("/v1/files/metadata?cursor=" + cursor).jsonPath().getList("file_id"))
        .containsExactly("params-1.txt", "params-2.txt");
  }

  @Test
  void aCursorOfAnotherOrganizationOnlyMovesWithinTheCallersFiles() {
    upload("mine", 3);
    String otherKey = Tenants.newOrganizationKey("pages-other-" + UUID.randomUUID());
    for (int i = 0; i < 3; i++) {
      Api.uploadFile(otherKey, "theirs-" + i + ".txt", bytes("x"), "text/plain");
    }
    Response theirs = plain(otherKey).get("/v1/files/metadata?max_items_per_shard=1");

    Response mine = plain(key).urlEncodingEnabled(false).get(next(theirs.getHeader("Link")));

    assertThat(mine.statusCode()).isEqualTo(200);
    assertThat(mine.jsonPath().<String>getList("file_id")).allMatch(n -> !n.startsWith("theirs"));
  }

  /** The path and query of a Link: <…>; rel="next" header. */
  private static String next(String link) {
    assertThat(link).as("Link header").isNotNull();
    Matcher matcher = NEXT.matcher(link);
    assertThat(matcher.matches()).as(link).isTrue();
    URI uri = URI.create(matcher.group(1));
    assertThat(uri.isAbsolute()).as("the link is absolute: %s", uri).isTrue();
    return uri.getRawPath() + "?" + uri.getRawQuery();
  }

  private List<String> upload(String stem, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(upload1(stem + "-" + i));
    }
    return names;
  }

  private String upload1(String stem) {
    String name = stem + ".txt";
    Api.uploadFile(key, name, bytes(stem), "text/plain");
    return name;
  }
}

package dev.filesapi.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StoredPart;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Azure backend's pure parts, without a store: connection strings, the two signatures (their
 * expected values computed independently with Python's hmac over the strings Azure documents, the
 * query's parameters sorted by name), and the block list.
 */
class AzurePureTest {
  private static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  private static final AzureAccount AZURITE =
      AzureAccount.parse(
          "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
              + KEY
              + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/;");

  @Test
  void connectionStringsAsAzuresToolsAndAzuriteWriteThem() {
    AzureAccount cloud =
        AzureAccount.parse(
            "DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey="
                + KEY
                + ";EndpointSuffix=core.windows.net");
    assertThat(cloud.blobEndpoint())
        .isEqualTo(URI.create("https://myaccount.blob.core.windows.net"));
    assertThat(AzureAccount.parse("UseDevelopmentStorage=true").blobEndpoint())
        .isEqualTo(URI.create("http://127.0.0.1:10000/devstoreaccount1"));
    assertThat(AZURITE.blobEndpoint())
        .isEqualTo(URI.create("http://127.0.0.1:10000/devstoreaccount1"));
    assertThat(AZURITE.toString()).doesNotContain(KEY);
  }

  @Test
  void aConnectionStringWithoutTheKeyIsRefusedWithoutEchoingIt() {
    String sasOnly =
        "BlobEndpoint=https://myaccount.blob.core.windows.net/;SharedAccessSignature=sv=2021&sig=s3cret";
    assertThatThrownBy(() -> AzureAccount.parse(sasOnly))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AccountKey")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> AzureAccount.parse("AccountName=a;AccountKey=not base64!"))
        .hasMessageContaining("not base64")
        .hasMessageNotContaining("not base64!");
  }

  @Test
  void sharedKeySignsTheDocumentedStringToSign() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain");
    headers.put("x-ms-version", "2021-08-06");
    headers.put("x-ms-date", "Mon, 07 Dec 2026 12:00:00 GMT");
    Map<String, String> query = new LinkedHashMap<>();
    query.put("comp", "block");
    query.put("blockid", "cGFydC0wMDAwMA==");

    String authorization =
        new AzureSigner(AZURITE)
            .sharedKey("PUT", "/devstoreaccount1/files/a%20b.txt", query, headers, 11);

    assertThat(authorization)
        .isEqualTo("SharedKey devstoreaccount1:Klsh/tydCQWivHRdUNmnm7jCUJ01cKKeT2n55MAoBbU=");
  }

  @Test
  void aServiceSasSignsTheBlobItsPermissionAndExpiry() {
    String sas =
        new AzureSigner(AZURITE)
            .blobSas("files", "a b.txt", "w", Instant.parse("2026-12-07T13:00:00Z"), null);

    assertThat(sas)
        .isEqualTo(
            "sv=2021-08-06&sr=b&sp=w&se=2026-12-07T13%3A00%3A00Z&sig="
                + "M4qa5I0h3vtlmNVtcMDPv46We%2BPYViUe%2BHUjs7fLNe8%3D");
  }

  @Test
  void blobNamesAreEncodedBySegment() {
    assertThat(AzureSigner.path("orgs/org 1/files/f+&ü-1"))
        .isEqualTo("orgs/org%201/files/f%2B%26%C3%BC-1");
  }

  @Test
  void blockIdsHaveOneLengthAndReadBack() {
    assertThat(AzureBlockList.blockId(0)).isEqualTo("cGFydC0wMDAwMA==");
    assertThat(AzureBlockList.blockId(9_999)).hasSameSizeAs(AzureBlockList.blockId(0));
    assertThat(AzureBlockList.partNumberOf(AzureBlockList.blockId(9_999))).isEqualTo(9_999);
    assertThat(AzureBlockList.partNumberOf("c29tZXRoaW5n")).isEqualTo(-1); // "something"
    assertThat(AzureBlockList.partNumberOf("not base64!")).isEqualTo(-1);
  }

  @Test
  void anUncommittedBlockWinsOverACommittedOneOfItsPart() {
    String answer =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><CommittedBlocks>"
            + block(0, 10)
            + block(1, 20)
            + "</CommittedBlocks><UncommittedBlocks>"
            + block(1, 25)
            + block(2, 5)
            + "<Block><Name>"
            + java.util.Base64.getEncoder().encodeToString("other".getBytes(StandardCharsets.UTF_8))
            + "</Name><Size>7</Size></Block>"
            + "</UncommittedBlocks></BlockList>";

    assertThat(AzureBlockList.parts(answer))
        .containsExactly(
            new StoredPart(0, "", 10), new StoredPart(1, "", 25), new StoredPart(2, "", 5));
  }

  @Test
  void theCommitNamesTheLatestBlockOfEachPartInOrderAndMissingPartsAreNamed() {
    String body =
        new String(
            AzureBlockList.commit(List.of(new PartToken(0, ""), new PartToken(1, ""))),
            StandardCharsets.UTF_8);
    assertThat(body)
        .endsWith(
            "<BlockList><Latest>cGFydC0wMDAwMA==</Latest><Latest>cGFydC0wMDAwMQ==</Latest>"
                + "</BlockList>");
    assertThat(
            AzureBlockList.missing(
                List.of(new PartToken(0, ""), new PartToken(1, ""), new PartToken(2, "")),
                List.of(new StoredPart(1, "", 5))))
        .containsExactly(0, 2);
  }

  private static String block(int part, long size) {
    return "<Block><Name>"
        + AzureBlockList.blockId(part)
        + "</Name><Size>"
        + size
        + "</Size></Block>";
  }
}

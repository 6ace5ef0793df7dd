package dev.filesapi.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Serialising initiate's answer for a 250 GB upload: 9,935 descriptors with realistic presigned
 * URLs (~4 MB of JSON), with Jackson configured as the service configures it (snake_case, ISO
 * dates, nulls left out).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DescriptorJsonBench {
  ObjectMapper mapper;
  InitiateResponse response;

  @Setup
  public void setUp() {
    mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    PartPlan plan = PartPlan.of(PartPlan.MAX_FILE_BYTES, 8 * PartPlan.MIB, PartPlanBench.S3);
    Instant expires = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3600);
    List<PartDescriptor> parts = new ArrayList<>(plan.numParts());
    for (int part = 0; part < plan.numParts(); part++) {
      String url =
          "http://127.0.0.1:9000/files/orgs/org_5m2k0a1b7c9d3e4f6g8h0j1k2m/files/"
              + "fil_0a1b2c3d4e5f6g7h8j9k0m1n2p?X-Amz-Algorithm=AWS4-HMAC-SHA256"
              + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
              + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
              + "&partNumber="
              + (part + 1)
              + "&uploadId=2f0c1a9e-7d4b-4c55-9a3e-8b1f6d2c7e40"
              + "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
      parts.add(new PartDescriptor(part, url, plan.offset(part), plan.length(part), expires));
    }
    response =
        new InitiateResponse(
            "upl_5m2k0a1b7c9d3e4f6g8h0j1k2m",
            "fil_0a1b2c3d4e5f6g7h8j9k0m1n2p",
            "big.bin",
            plan.numBytes(),
            plan.numParts(),
            plan.partSize(),
            "none",
            false,
            parts,
            expires);
  }

  /** Built whole in memory, as a byte array. */
  @Benchmark
  public byte[] toBytes() throws IOException {
    return mapper.writeValueAsBytes(response);
  }

  /** Streamed to an output that discards it (what writing to the socket costs in CPU). */
  @Benchmark
  public void streamed() throws IOException {
    mapper.writeValue(OutputStream.nullOutputStream(), response);
  }
}

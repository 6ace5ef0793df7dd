package dev.filesapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results as a table, each measure beside its target from DESIGN.md. */
final class Report {
  private Report() {}

  private record Row(String measure, String value, String target, String verdict) {}

  static String table(JsonNode r) {
    List<Row> rows = new ArrayList<>();
    if (r.has("initiate_250gb")) {
      JsonNode init = r.path("initiate_250gb");
      double initP50 = init.path("server_ms").path("p50").asDouble();
      double initP99 = init.path("server_ms").path("p99").asDouble();
      rows.add(
          new Row(
              "initiate 250 GB (" + init.path("parts").asInt() + " parts), server p50 / p99",
              f("%.1f / %.1f ms", initP50, initP99),
              "< 100 ms (stretch 50)",
              initP50 < 50 ? "stretch met" : initP50 < 100 ? "met" : "MISSED"));
      rows.add(
          new Row(
              "  same, client over loopback p50 / p99",
              f(
                  "%.1f / %.1f ms",
                  init.path("client_ms").path("p50").asDouble(),
                  init.path("client_ms").path("p99").asDouble()),
              "",
              ""));
      rows.add(
          new Row(
              "  of which store begin / presign (batch; URLs signed as written), p50",
              f(
                  "%.1f / %.1f ms",
                  init.path("store_begin_ms").path("p50").asDouble(),
                  init.path("presign_ms").path("p50").asDouble()),
              "",
              ""));
      rows.add(
          new Row(
              "  response size",
              f("%.2f MB", init.path("response_bytes").asDouble() / 1e6),
              "",
              ""));
    }
    if (r.has("complete_10k")) {
      JsonNode complete = r.path("complete_10k");
      double side = complete.path("service_side_ms").path("p50").asDouble();
      rows.add(
          new Row(
              "complete 9,935 parts, service side p50 / p99",
              f("%.1f / %.1f ms", side, complete.path("service_side_ms").path("p99").asDouble()),
              "< 300 ms",
              side < 300 ? "met" : "MISSED"));
      rows.add(
          new Row(
              "  store call (S3Proxy, parts faked) p50",
              f("%.1f ms", complete.path("store_call_ms").path("p50").asDouble()),
              "",
              ""));
    }
    if (r.has("small_round_trips")) {
      JsonNode small = r.path("small_round_trips");
      double best = 0;
      for (int c : new int[] {1, 8, 32}) {
        JsonNode level = small.path("concurrency_" + c);
        double perSecond = level.path("per_second").asDouble();
        best = Math.max(best, perSecond);
        rows.add(
            new Row(
                "small initiate+PUT+complete, concurrency " + c,
                f(
                    "%.0f /s (p50 %.1f ms, %.2f service CPU-ms each)",
                    perSecond,
                    level.path("latency_ms").path("p50").asDouble(),
                    level.path("service_cpu_ms_per_round_trip").asDouble()),
                c == 32 ? ">= 1,000 /s" : "",
                c == 32 ? (best >= 1000 ? "met" : "MISSED") : ""));
      }
      for (int c : new int[] {1, 8, 32}) {
        rows.add(
            new Row(
                "  service CPU bound at concurrency " + c + " (all cores, service alone)",
                f(
                    "%.0f /s",
                    small.path("concurrency_" + c).path("service_cpu_bound_per_second").asDouble()),
                "",
                ""));
      }
      for (int c : new int[] {1, 8, 32}) {
        JsonNode level = small.path("store_alone").path("concurrency_" + c);
        rows.add(
            new Row(
                "  store alone (SDK straight to S3Proxy), concurrency " + c,
                f(
                    "%.0f /s (p50 %.1f ms)",
                    level.path("per_second").asDouble(),
                    level.path("latency_ms").path("p50").asDouble()),
                "",
                ""));
      }
    }
    if (r.has("throughput")) {
      JsonNode tp = r.path("throughput");
      double ratio = tp.path("ratio_of_medians").asDouble();
      rows.add(
          new Row(
              f("upload %d MiB: presigned vs direct", tp.path("file_mib").asInt()),
              f(
                  "%s vs %s MiB/s = %.2f",
                  tp.path("presigned_mib_s"), tp.path("direct_mib_s"), ratio),
              ">= 0.95",
              ratio >= 0.95 ? "met" : "MISSED"));
    }
    if (r.has("service_rss_mb")) {
      JsonNode rss = r.path("service_rss_mb");
      double steady = rss.path("steady_median").asDouble();
      rows.add(
          new Row(
              "service RSS during small round trips, median / max",
              f("%.0f / %.0f MB", steady, rss.path("max").asDouble()),
              "< 250 MB",
              !rss.path("image_jvm_options").asBoolean(true)
                  ? "n/a: not the image's JVM options"
                  : rss.path("max").asDouble() < 250
                      ? "met"
                      : steady < 250 ? "met (median)" : "MISSED"));
    }

    int[] widths = {7, 5, 6, 7};
    for (Row row : rows) {
      widths[0] = Math.max(widths[0], row.measure().length());
      widths[1] = Math.max(widths[1], row.value().length());
      widths[2] = Math.max(widths[2], row.target().length());
      widths[3] = Math.max(widths[3], row.verdict().length());
    }
    String format =
        "| %-" + widths[0] + "s | %-" + widths[1] + "s | %-" + widths[2] + "s | %-" + widths[3]
            + "s |%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, format, "measure", "value", "target", "verdict"));
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "-".repeat(widths[0]),
            "-".repeat(widths[1]),
            "-".repeat(widths[2]),
            "-".repeat(widths[3])));
    for (Row row : rows) {
      out.append(
          String.format(
              Locale.ROOT, format, row.measure(), row.value(), row.target(), row.verdict()));
    }
    return out.toString();
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}

package dev.filesapi.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.OpenApiConformance;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HTTP/1.1 over a plain socket, so that headers, methods and bytes go out exactly as written (no
 * client library would send most of the hostile requests). Every answer is checked against the
 * OpenAPI document like the rest-assured and {@code java.net.http} ones.
 */
final class RawHttp {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RawHttp() {}

  /** A request written to the socket exactly as given. */
  static final class Req {
    final String method;
    final String path;
    String auth = "Bearer " + FilesTestResource.API_KEY;
    String contentType;
    byte[] body;
    boolean chunked;
    List<String> headers = new ArrayList<>();

    Req(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Req copy() {
      Req copy = new Req(method, path);
      copy.auth = auth;
      copy.contentType = contentType;
      copy.body = body;
      copy.chunked = chunked;
      copy.headers = new ArrayList<>(headers);
      return copy;
    }

    Req header(String line) {
      headers.add(line);
      return this;
    }

    Req auth(String value) {
      auth = value;
      return this;
    }

    Req type(String value) {
      contentType = value;
      return this;
    }

    Req body(String value) {
      return body(value.getBytes(StandardCharsets.UTF_8));
    }

    Req body(byte[] value) {
      body = value;
      return this;
    }

    Req chunked() {
      chunked = true;
      return this;
    }

    boolean isJson() {
      return "application/json".equals(contentType);
    }
  }

  record Res(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text(), e);
      }
    }
  }

  static Res send(URL root, Req req) {
    try (Socket socket = new Socket(root.getHost(), root.getPort())) {
      socket.setSoTimeout(60_000);
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      Consumer<String> line = s -> head.writeBytes((s + "\r\n").getBytes(StandardCharsets.UTF_8));
      line.accept(req.method + " " + req.path + " HTTP/1.1");
      line.accept("Host: " + root.getHost() + ":" + root.getPort());
      if (req.auth != null) {
        line.accept("Authorization: " + req.auth);
      }
      if (req.contentType != null) {
        line.accept("Content-Type: " + req.contentType);
      }
      req.headers.forEach(line);
      if (req.body != null) {
        line.accept(
            req.chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + req.body.length);
      }
      line.accept("Connection: close");
      line.accept("");
      OutputStream out = socket.getOutputStream();
      Thread writer =
          new Thread(
              () -> {
                try {
                  out.write(head.toByteArray());
                  if (req.body != null) {
                    if (req.chunked) {
                      for (int from = 0; from < req.body.length; from += 64 * 1024) {
                        int length = Math.min(64 * 1024, req.body.length - from);
                        out.write(
                            (Integer.toHexString(length) + "\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                        out.write(req.body, from, length);
                        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
                      }
                      out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                    } else {
                      out.write(req.body);
                    }
                  }
                  out.flush();
                } catch (IOException e) {
                  // The server may answer and close before reading all of a refused body.
                }
              });
      writer.start();
      Res res = read(new BufferedInputStream(socket.getInputStream()));
      writer.join(60_000);
      OpenApiConformance.check(
          req.method, req.path, res.status, res.header("Content-Type"), res.body);
      return res;
    } catch (IOException e) {
      throw new UncheckedIOException("request " + display(req.method + " " + req.path), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Res read(InputStream in) throws IOException {
    String status = readLine(in);
    if (status == null) {
      throw new IOException("the server closed the connection without answering");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header = readLine(in); header != null && !header.isEmpty(); header = readLine(in)) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (String size = readLine(in); size != null; size = readLine(in)) {
        int length = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (length == 0) {
          break;
        }
        body.writeBytes(in.readNBytes(length));
        readLine(in);
      }
    } else if (headers.containsKey("content-length")) {
      body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else {
      body.writeBytes(in.readAllBytes());
    }
    return new Res(code, headers, body.toByteArray());
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /** A name fit for a report: control characters and lone surrogates escaped, 120 at most. */
  static String display(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || Character.isSurrogate((char) c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.length() > 120 ? out.substring(0, 120) + "…" : out.toString();
  }
}

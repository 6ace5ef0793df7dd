package dev.filesapi.events;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses a webhook may not be sent to: everything that is not the public internet, so that
 * an endpoint URL cannot make the service reach its own network (SSRF). Pure: it looks at the
 * address only.
 */
public final class TargetAddresses {
  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern CANONICAL_IPV4 =
      Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

  private TargetAddresses() {}

  /**
   * Whether a URL's host is an IPv4 literal written other than as four decimal parts without
   * leading zeros ({@code 0177.0.0.1}, {@code 0x7f.1}, {@code 2130706433}, {@code 127.1}, {@code
   * 1.2.3.4.}). Parsers disagree about those (Java reads {@code 0177.0.0.1} as 177.0.0.1; glibc,
   * curl and browsers as 127.0.0.1), so they are refused outright, as Go's {@code netip} does. A
   * host counts as an IPv4 literal when its last label is a number, as in the WHATWG URL standard.
   */
  public static boolean isNonCanonicalIpv4(String host) {
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String lastLabel = name.substring(name.lastIndexOf('.') + 1);
    if (!NUMERIC_LABEL.matcher(lastLabel).matches()) {
      return false;
    }
    return !CANONICAL_IPV4.matcher(host).matches();
  }

  /** The kind of a non-public address ("loopback", "private", …); empty for a public one. */
  public static Optional<String> refusal(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4(bytes, 0);
    }
    if (address instanceof Inet6Address) {
      return ipv6(bytes);
    }
    return Optional.of("unknown address family");
  }

  private static Optional<String> ipv4(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    int a3 = b[at + 3] & 0xff;
    if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) {
      return Optional.of("cloud metadata");
    }
    if (a0 == 0) {
      return Optional.of("unspecified");
    }
    if (a0 == 127) {
      return Optional.of("loopback");
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return Optional.of("private");
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("link-local");
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return Optional.of("carrier-grade NAT");
    }
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return Optional.of("IETF protocol assignments");
    }
    if (a0 == 198 && (a1 & 0xfe) == 18) {
      return Optional.of("benchmarking");
    }
    if ((a0 == 192 && a1 == 0 && a2 == 2)
        || (a0 == 198 && a1 == 51 && a2 == 100)
        || (a0 == 203 && a1 == 0 && a2 == 113)) {
      return Optional.of("documentation");
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("multicast");
    }
    if (a0 >= 240) {
      return Optional.of(
          a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255 ? "broadcast" : "reserved");
    }
    return Optional.empty();
  }

  private static Optional<String> ipv6(byte[] b) {
    boolean zeroFirst10 = true;
    for (int i = 0; i < 10; i++) {
      zeroFirst10 &= b[i] == 0;
    }
    boolean zeroFirst12 = zeroFirst10 && b[10] == 0 && b[11] == 0;
    if (zeroFirst12) {
      boolean zeroLast4 = b[12] == 0 && b[13] == 0 && b[14] == 0;
      if (zeroLast4 && b[15] == 0) {
        return Optional.of("unspecified");
      }
      if (zeroLast4 && b[15] == 1) {
        return Optional.of("loopback");
      }
      // ::a.b.c.d, the deprecated IPv4-compatible form: judged as the IPv4 address.
      return ipv4(b, 12);
    }
    if (zeroFirst10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return ipv4(b, 12); // ::ffff:a.b.c.d, IPv4-mapped
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return ipv4(b, 12); // 64:ff9b::/96, NAT64 of an IPv4 address
    }
    if (b0 == 0x20 && b1 == 0x02) {
      return ipv4(b, 2); // 2002::/16, 6to4 of an IPv4 address
    }
    if (b0 == 0xfd && b1 == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2) {
      boolean metadata = (b[15] & 0xff) == 0x54 && (b[14] & 0xff) == 0x02;
      for (int i = 4; i < 14; i++) {
        metadata &= b[i] == 0;
      }
      if (metadata) {
        return Optional.of("cloud metadata"); // fd00:ec2::254
      }
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of("unique-local");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of("link-local");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return Optional.of("site-local");
    }
    if (b0 == 0xff) {
      return Optional.of("multicast");
    }
    if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return Optional.of("documentation");
    }
    if (b0 == 0x01
        && b1 == 0x00
        && b[2] == 0
        && b[3] == 0
        && b[4] == 0
        && b[5] == 0
        && b[6] == 0
        && b[7] == 0) {
      return Optional.of("discard-only");
    }
    return Optional.empty();
  }
}

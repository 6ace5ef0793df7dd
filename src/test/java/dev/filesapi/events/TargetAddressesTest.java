package dev.filesapi.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The address classifier behind the SSRF check: every non-public range, and public neighbours. */
class TargetAddressesTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.255.254, loopback",
    "::1, loopback",
    "10.0.0.1, private",
    "10.255.255.255, private",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "169.254.0.1, link-local",
    "169.254.169.254, cloud metadata",
    "fd00:ec2::254, cloud metadata",
    "fe80::1, link-local",
    "febf:ffff::1, link-local",
    "fec0::1, site-local",
    "100.64.0.1, carrier-grade NAT",
    "100.127.255.255, carrier-grade NAT",
    "fc00::1, unique-local",
    "fd12:3456::1, unique-local",
    "0.0.0.0, unspecified",
    "0.1.2.3, unspecified",
    "::, unspecified",
    "224.0.0.1, multicast",
    "239.255.255.250, multicast",
    "ff02::1, multicast",
    "255.255.255.255, broadcast",
    "240.0.0.1, reserved",
    "192.0.0.170, IETF protocol assignments",
    "198.18.0.1, benchmarking",
    "192.0.2.1, documentation",
    "2001:db8::1, documentation",
    "100::1, discard-only",
    // IPv4 inside IPv6: judged as the IPv4 address.
    "::ffff:127.0.0.1, loopback",
    "::ffff:169.254.169.254, cloud metadata",
    "::10.0.0.1, private",
    "64:ff9b::10.1.2.3, private",
    "64:ff9b::a9fe:a9fe, cloud metadata",
    "2002:c0a8:0101::1, private",
    "2002:7f00:0001::1, loopback"
  })
  void refusesEveryNonPublicRange(String address, String kind) throws Exception {
    assertThat(TargetAddresses.refusal(InetAddress.getByName(address))).contains(kind);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.1.1",
        "8.8.8.8",
        "9.255.255.255",
        "11.0.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "126.255.255.255",
        "128.0.0.1",
        "169.253.255.255",
        "169.255.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "192.167.255.255",
        "192.169.0.1",
        "198.17.255.255",
        "198.20.0.1",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001::1",
        "64:ff9b::8.8.8.8",
        "2002:0808:0808::1",
        "fbff:ffff::1"
      })
  void acceptsPublicAddresses(String address) throws Exception {
    assertThat(TargetAddresses.refusal(InetAddress.getByName(address))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0177.0.0.1",
        "127.0.0.01",
        "010.0.0.1",
        "0x7f.0.0.1",
        "0x7f.1",
        "0x7f000001",
        "2130706433",
        "127.1",
        "127.0.1",
        "1.2.3.4.",
        "1.2.3.256",
        "1.2.3.4.5",
        "example.0x10",
        "00.0.0.0"
      })
  void nonCanonicalIpv4LiteralsAreRecognised(String host) {
    assertThat(TargetAddresses.isNonCanonicalIpv4(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "0.0.0.0",
        "1.1.1.1",
        "255.255.255.255",
        "100.64.0.1",
        "example.com",
        "hooks.example.com.",
        "1.2.3.example",
        "0x7f.example",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "localhost"
      })
  void canonicalAddressesAndNamesAreNotNonCanonicalLiterals(String host) {
    assertThat(TargetAddresses.isNonCanonicalIpv4(host)).isFalse();
  }
}

package dev.mtasts.tlsrpt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

  @ParameterizedTest
  @CsvSource({
      "192.0.2.1, 192.0.2.1",
      "0.0.0.0, 0.0.0.0",
      "255.255.255.255, 255.255.255.255",
      "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
      "2001:db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "2001:0db8:abcd:0012::1, 2001:db8:abcd:12::1",
      "::, ::",
      "::1, ::1",
      "1::, 1::",
      "fe80::0:0:0:1, fe80::1",
      "1:0:0:2:0:0:0:3, 1:0:0:2::3",
      "::ffff:192.0.2.128, ::ffff:192.0.2.128",
      "0:0:0:0:0:ffff:c000:280, ::ffff:192.0.2.128",
      "64:ff9b::192.0.2.33, 64:ff9b::c000:221"
  })
  void writesRfc5952Text(String in, String expected) {
    assertThat(IpAddresses.normalize(in)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "example.com",
      "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::2", "1:2:3:4:5:6:7:", "12345::1", "fe80::1%eth0", "[::1]",
      "1:2:3:4:5:6:7:1.2.3.4", ":::", "g::1"})
  void rejectsWhatIsNotAnAddressWithoutDns(String in) {
    assertThat(IpAddresses.parse(in)).isNull();
    assertThatIllegalArgumentException().isThrownBy(() -> IpAddresses.normalize(in));
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.1", "2001:db8::1", "::1", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1",
      "2001:db8:85a3::8a2e:370:7334"})
  void agreesWithTheJdkOnBytes(String in) throws Exception {
    assertThat(IpAddresses.parse(in)).isEqualTo(InetAddress.getByName(in).getAddress().length == 4 && in.contains(":")
        ? expand(InetAddress.getByName(in).getAddress()) : InetAddress.getByName(in).getAddress());
  }

  /** The JDK returns IPv4-mapped IPv6 addresses as 4 bytes. */
  private static byte[] expand(byte[] v4) {
    byte[] out = new byte[16];
    out[10] = (byte) 0xff;
    out[11] = (byte) 0xff;
    System.arraycopy(v4, 0, out, 12, 4);
    return out;
  }

  @ParameterizedTest(name = "SEC-16: {0} is not a public destination")
  @ValueSource(strings = {"127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255",
      "192.168.1.1", "100.64.0.1", "100.127.255.254", "169.254.169.254", "224.0.0.1", "239.1.2.3", "240.0.0.1",
      "255.255.255.255", "::", "::1", "fe80::1", "febf::1", "fec0::1", "fc00::1", "fdff::1", "ff02::1",
      "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:100.64.0.1", "::127.0.0.1",
      "64:ff9b::10.0.0.1", "2002:c0a8:0101::1", "2002:7f00:1::"})
  void nonPublicAddressesAreRecognised(String address) {
    assertThat(IpAddresses.nonPublicReason(IpAddresses.parse(address))).isNotNull();
  }

  @ParameterizedTest(name = "SEC-16: {0} is a public destination")
  @ValueSource(strings = {"192.0.2.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "100.63.255.255",
      "169.253.0.1", "223.255.255.255", "192.169.0.1", "2001:db8::1", "2a00:1450::1", "::ffff:192.0.2.1",
      "64:ff9b::192.0.2.33", "2002:c000:0201::1", "fbff::1", "fe7f::1"})
  void publicAddressesAreAllowed(String address) {
    assertThat(IpAddresses.nonPublicReason(IpAddresses.parse(address))).isNull();
  }
}

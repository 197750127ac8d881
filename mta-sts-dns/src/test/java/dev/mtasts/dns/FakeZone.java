package dev.mtasts.dns;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * In-memory records answered like an authoritative server: NXDOMAIN for names it does not hold,
 * an empty NOERROR (NODATA) for names without the type, and CNAMEs either chased within the answer
 * (as most servers do) or returned alone, so that the client must ask again for the target.
 */
final class FakeZone implements FakeDnsServer.Handler {
  private static final long TTL = 300;

  private final Map<Name, List<Record>> records = new LinkedHashMap<>();
  private final boolean chase;

  private FakeZone(boolean chase) {
    this.chase = chase;
  }

  /** A zone that puts the whole CNAME chain and the target's records in one answer. */
  static FakeZone chasing() {
    return new FakeZone(true);
  }

  /** A zone that answers a CNAME alone, so the client follows it with a new query. */
  static FakeZone notChasing() {
    return new FakeZone(false);
  }

  static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A TXT record with these character-strings, taken as raw bytes (no escape processing). */
  static Record txt(String owner, String... strings) {
    byte[][] bytes = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      bytes[i] = strings[i].getBytes(StandardCharsets.ISO_8859_1);
    }
    return txtBytes(owner, bytes);
  }

  /** A TXT record with these character-strings as raw bytes. */
  static Record txtBytes(String owner, byte[]... strings) {
    ByteArrayOutputStream rdata = new ByteArrayOutputStream();
    for (byte[] s : strings) {
      rdata.write(s.length);
      rdata.writeBytes(s);
    }
    Record r = Record.newRecord(name(owner), Type.TXT, DClass.IN, TTL, rdata.toByteArray());
    if (!(r instanceof TXTRecord)) {
      throw new IllegalStateException("not a TXT record: " + r);
    }
    return r;
  }

  static Record mx(String owner, int preference, String target) {
    return new MXRecord(name(owner), DClass.IN, TTL, preference, name(target));
  }

  /** An A or AAAA record, by the family of the literal. */
  static Record address(String owner, String literal) {
    InetAddress a;
    try {
      a = InetAddress.getByName(literal); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
    return a instanceof Inet6Address
        ? new AAAARecord(name(owner), DClass.IN, TTL, a)
        : new ARecord(name(owner), DClass.IN, TTL, a);
  }

  static Record cname(String owner, String target) {
    return new CNAMERecord(name(owner), DClass.IN, TTL, name(target));
  }

  FakeZone add(Record... rs) {
    for (Record r : rs) {
      records.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(r);
    }
    return this;
  }

  /** Adds a chain owner → link1 → ... → linkN (CNAMEs), returning the last name. */
  FakeZone chain(String owner, int links, String prefix) {
    String from = owner;
    for (int i = 1; i <= links; i++) {
      String to = prefix + i + ".example.";
      add(cname(from, to));
      from = to;
    }
    return this;
  }

  @Override
  public FakeDnsServer.Reply reply(Message query, FakeDnsServer.Transport transport) {
    Record question = query.getQuestion();
    int type = question.getType();
    Name current = question.getName();
    List<Record> answer = new ArrayList<>();
    Set<Name> seen = new HashSet<>();
    while (true) {
      List<Record> here = records.get(current);
      if (here == null) {
        return new FakeDnsServer.Answer(
            FakeDnsServer.response(query, Rcode.NXDOMAIN, answer.toArray(Record[]::new)));
      }
      Record cname = here.stream().filter(r -> r.getType() == Type.CNAME).findFirst().orElse(null);
      if (cname != null && type != Type.CNAME) {
        answer.add(cname);
        seen.add(current);
        current = ((CNAMERecord) cname).getTarget();
        if (!chase || seen.contains(current)) {
          break;
        }
        continue;
      }
      here.stream().filter(r -> r.getType() == type).forEach(answer::add);
      break;
    }
    return FakeDnsServer.answer(query, answer.toArray(Record[]::new));
  }
}

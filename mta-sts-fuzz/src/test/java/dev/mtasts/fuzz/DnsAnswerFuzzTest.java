package dev.mtasts.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.dns.DnsjavaLookup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The real {@link DnsjavaLookup}, asking a loopback server whose one answer is built from the fuzz
 * input: arbitrary bytes, silence, or a DNS message with a fuzzed RCODE, TC bit, ID, question,
 * TXT strings, MX and CNAME records, possibly cut short.
 *
 * <p>Properties: every TXT and MX lookup completes normally with a {@link DnsOutcome} for the name
 * asked, within the deadline plus slack; records respect {@code maxRecords},
 * {@code maxAnswerSize} and {@code maxCnameChain}; TXT records are exactly strings the server sent.
 */
class DnsAnswerFuzzTest {
  static final Duration QUERY_TIMEOUT = Duration.ofMillis(250);
  static final Duration DEADLINE = Duration.ofMillis(600);
  /** Scheduling on a shared two-core machine, GC, and the JIT warming up. */
  static final Duration SLACK = Duration.ofMillis(2_400);
  static final int MAX_RECORDS = 8;
  static final int MAX_ANSWER_SIZE = 1_024;
  static final int MAX_CNAME_CHAIN = 3;
  static final String TXT_NAME = "_mta-sts.fuzz.example";
  static final String MX_NAME = "fuzz.example";

  private static final ScriptedDnsServer SERVER;
  private static final DnsjavaLookup LOOKUP;

  static {
    try {
      SERVER = ScriptedDnsServer.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOOKUP = DnsjavaLookup.builder()
        .servers(List.of(SERVER.address()))
        .queryTimeout(QUERY_TIMEOUT)
        .deadline(DEADLINE)
        .maxRecords(MAX_RECORDS)
        .maxAnswerSize(MAX_ANSWER_SIZE)
        .maxCnameChain(MAX_CNAME_CHAIN)
        .build();
  }

  @FuzzTest
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void lookup(byte[] data) {
    check(AnswerScript.decode(data));
  }

  static void check(AnswerScript script) {
    SERVER.script(script::reply);
    if (script.mx()) {
      DnsOutcome<MxRecord> outcome = await(LOOKUP.mx(MX_NAME).toCompletableFuture(), script);
      assertThat(outcome.name()).isEqualTo(MX_NAME);
      if (outcome instanceof DnsOutcome.Records<MxRecord> r) {
        checkBounds(r);
        for (MxRecord mx : r.records()) {
          assertThat(mx.preference()).isBetween(0, 65_535);
          assertThat(mx.host()).doesNotEndWith(".").isEqualTo(mx.host().toLowerCase(java.util.Locale.ROOT));
        }
      }
    } else {
      DnsOutcome<String> outcome = await(LOOKUP.txt(TXT_NAME).toCompletableFuture(), script);
      assertThat(outcome.name()).isEqualTo(TXT_NAME);
      if (outcome instanceof DnsOutcome.Records<String> r) {
        checkBounds(r);
        int total = 0;
        for (String txt : r.records()) {
          total += txt.length();
        }
        assertThat(total).as("TXT text of one answer").isLessThanOrEqualTo(MAX_ANSWER_SIZE);
        if (!script.isRaw()) {
          // Nothing is invented: each TXT record is one the script sent, its strings joined.
          assertThat(script.txtValues()).containsAll(r.records());
        }
      }
    }
  }

  /** A TXT lookup against the current script, for plain tests. */
  static DnsOutcome<String> txt() {
    return await(LOOKUP.txt(TXT_NAME).toCompletableFuture(), null);
  }

  private static void checkBounds(DnsOutcome.Records<?> r) {
    assertThat(r.records()).hasSizeBetween(1, MAX_RECORDS);
    assertThat(r.cnameChain()).hasSizeLessThanOrEqualTo(MAX_CNAME_CHAIN);
  }

  private static <T> DnsOutcome<T> await(CompletableFuture<DnsOutcome<T>> stage, @Nullable AnswerScript script) {
    long start = System.nanoTime();
    try {
      DnsOutcome<T> outcome = stage.get(DEADLINE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(outcome).isNotNull();
      return outcome;
    } catch (TimeoutException e) {
      throw new AssertionError("no outcome within " + DEADLINE + " + " + SLACK + " for " + script, e);
    } catch (ExecutionException e) {
      throw new AssertionError("the lookup failed with an exception for " + script, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(ms).as("lookup time in ms").isLessThanOrEqualTo(DEADLINE.plus(SLACK).toMillis());
    }
  }

  /**
   * What the server answers, decoded from the fuzz input byte by byte (missing bytes read as 0).
   *
   * <pre>
   * byte 0      bit 0: MX lookup (else TXT); bits 1-2: 0 or 1 = message, 2 = raw, 3 = silence
   * raw:        byte 1 bit 0: copy the query ID in; the rest is the reply, as is
   * message:    byte 1 = RCODE (low 4 bits), TC over UDP (0x10), wrong ID (0x20),
   *             wrong question (0x40), cut short (0x80: byte 2 = how many bytes to keep)
   *             then records until the input ends: a kind byte (0 TXT, 1 MX, 2 CNAME, 3 A, and
   *             its bit 2 puts the record on another owner name), then
   *             TXT: a count of strings (0-3), each a length byte and that many bytes;
   *             MX: two preference bytes and a target index; CNAME: a target index (0-3)
   * </pre>
   */
  record AnswerScript(boolean mx, int mode, int flags, int keep, byte[] rawReply, List<Rec> records) {
    static final int MESSAGE = 0;
    static final int RAW = 2;
    static final int SILENCE = 3;

    /** One answer record: kind, strings of a TXT, preference, target index, other owner. */
    record Rec(int kind, List<byte[]> strings, int preference, int target, boolean elsewhere) {
      @Override
      public String toString() {
        return "Rec[" + kind + ", " + strings.stream().map(s -> new String(s, StandardCharsets.ISO_8859_1)).toList()
            + ", " + preference + ", " + target + ", " + elsewhere + "]";
      }
    }

    static AnswerScript decode(byte[] data) {
      Reader r = new Reader(data);
      int b0 = r.next();
      boolean mx = (b0 & 1) != 0;
      int mode = (b0 >> 1) & 3;
      if (mode == 1) {
        mode = MESSAGE;
      }
      if (mode == RAW) {
        int flags = r.next();
        return new AnswerScript(mx, mode, flags, 0, r.rest(), List.of());
      }
      if (mode == SILENCE) {
        return new AnswerScript(mx, mode, 0, 0, new byte[0], List.of());
      }
      int flags = r.next();
      int keep = (flags & 0x80) != 0 ? r.next() : 0;
      List<Rec> records = new ArrayList<>();
      while (r.hasMore() && records.size() < 64) {
        int kind = r.next();
        boolean elsewhere = (kind & 4) != 0;
        switch (kind & 3) {
          case 0 -> {
            int n = r.next() & 3;
            List<byte[]> strings = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              strings.add(r.take(r.next()));
            }
            records.add(new Rec(0, strings, 0, 0, elsewhere));
          }
          case 1 -> records.add(new Rec(1, List.of(), (r.next() << 8) | r.next(), r.next() & 3, elsewhere));
          case 2 -> records.add(new Rec(2, List.of(), 0, r.next() & 3, elsewhere));
          default -> records.add(new Rec(3, List.of(), 0, 0, elsewhere));
        }
      }
      return new AnswerScript(mx, MESSAGE, flags, keep, new byte[0], List.copyOf(records));
    }

    boolean isRaw() {
      return mode == RAW;
    }

    /** Every TXT value the script can send, each record's strings joined as Latin-1. */
    Set<String> txtValues() {
      Set<String> out = new HashSet<>();
      for (Rec rec : records) {
        if (rec.kind() == 0) {
          StringBuilder sb = new StringBuilder();
          for (byte[] s : rec.strings()) {
            sb.append(new String(s, StandardCharsets.ISO_8859_1));
          }
          out.add(sb.toString());
        }
      }
      return out;
    }

    byte @Nullable [] reply(byte[] queryBytes, boolean overTcp) {
      if (mode == SILENCE) {
        return null;
      }
      if (mode == RAW) {
        byte[] out = rawReply.clone();
        if ((flags & 1) != 0 && out.length >= 2 && queryBytes.length >= 2) {
          out[0] = queryBytes[0];
          out[1] = queryBytes[1];
        }
        return out;
      }
      Message query;
      try {
        query = new Message(queryBytes);
      } catch (IOException e) {
        return null;
      }
      Record question = query.getQuestion();
      if (question == null) {
        return null;
      }
      Name qname = question.getName();
      int id = query.getHeader().getID();
      Message m = new Message((flags & 0x20) != 0 ? (id + 1) & 0xFFFF : id);
      m.getHeader().setFlag(Flags.QR);
      m.getHeader().setFlag(Flags.RA);
      m.getHeader().setFlag(Flags.RD);
      m.getHeader().setRcode(flags & 0x0F);
      if (!overTcp && (flags & 0x10) != 0) {
        m.getHeader().setFlag(Flags.TC);
      }
      m.addRecord((flags & 0x40) != 0
          ? Record.newRecord(name("wrong"), Type.TXT, DClass.IN) : question, Section.QUESTION);
      for (Rec rec : records) {
        Name owner = rec.elsewhere() ? name("other") : qname;
        m.addRecord(switch (rec.kind()) {
          case 0 -> Record.newRecord(owner, Type.TXT, DClass.IN, 300, txtRdata(rec.strings()));
          case 1 -> Record.newRecord(owner, Type.MX, DClass.IN, 300, mxRdata(rec.preference(), rec.target()));
          case 2 -> Record.newRecord(owner, Type.CNAME, DClass.IN, 300, name("c" + rec.target()).toWire());
          default -> Record.newRecord(owner, Type.A, DClass.IN, 300, new byte[] {(byte) 192, 0, 2, 1});
        }, Section.ANSWER);
      }
      byte[] wire = m.toWire();
      if ((flags & 0x80) != 0) {
        return Arrays.copyOf(wire, Math.min(wire.length, keep));
      }
      return wire;
    }

    private static Name name(String label) {
      try {
        return Name.fromString(label + ".fuzz.example.");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static byte[] txtRdata(List<byte[]> strings) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] s : strings) {
        out.write(s.length);
        out.writeBytes(s);
      }
      return out.toByteArray();
    }

    private static byte[] mxRdata(int preference, int target) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(preference >> 8);
      out.write(preference & 0xFF);
      out.writeBytes(target == 3 ? Name.root.toWire() : name("mx" + target).toWire());
      return out.toByteArray();
    }

    /** A NOERROR answer with one TXT record holding {@code value} (split into 255-byte strings). */
    static byte[] seedTxt(String value) {
      byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0); // TXT lookup, message
      out.write(Rcode.NOERROR);
      out.write(0); // TXT record
      int strings = Math.min(3, Math.max(1, (v.length + 254) / 255));
      out.write(strings);
      for (int i = 0; i < strings; i++) {
        int from = i * 255;
        int len = Math.max(0, Math.min(255, v.length - from));
        out.write(len);
        out.write(v, Math.min(from, v.length), len);
      }
      return out.toByteArray();
    }

    @Override
    public String toString() {
      return "AnswerScript[mx=" + mx + ", mode=" + mode + ", flags=0x" + Integer.toHexString(flags)
          + ", keep=" + keep + ", raw=" + rawReply.length + " bytes, records=" + records + "]";
    }
  }

  /** Reads the fuzz input from the front; past the end, every byte is 0. */
  static final class Reader {
    private final byte[] data;
    private int pos;

    Reader(byte[] data) {
      this.data = data;
    }

    boolean hasMore() {
      return pos < data.length;
    }

    int next() {
      return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    byte[] take(int n) {
      int end = Math.min(data.length, pos + n);
      byte[] out = Arrays.copyOfRange(data, pos, end);
      pos = end;
      return out;
    }

    byte[] rest() {
      return take(data.length - pos);
    }
  }
}

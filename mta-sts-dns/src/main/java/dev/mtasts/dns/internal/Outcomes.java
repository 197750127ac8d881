package dev.mtasts.dns.internal;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.WireParseException;
import org.xbill.DNS.lookup.InvalidZoneDataException;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.RedirectOverflowException;
import org.xbill.DNS.lookup.ServerFailedException;

/** Maps what dnsjava's {@code LookupSession} produced to a {@link DnsOutcome}. */
public final class Outcomes {
  /**
   * Turns one answer record into a value, or {@code null} to skip a record of another type.
   *
   * @param <T> the value's type
   */
  @FunctionalInterface
  public interface Converter<T> {
    /**
     * Converts a record.
     *
     * @param record an answer record
     * @return the value, or {@code null} to skip the record
     */
    @Nullable T convert(Record record);
  }

  /** How deep to look through causes for an exception we know. */
  private static final int MAX_CAUSE_DEPTH = 8;

  private Outcomes() {}

  /**
   * Decodes one TXT RR: its character-strings joined with no added spaces (TXT-9), each byte mapped
   * to the char of the same value, without the zone-file escaping of dnsjava's
   * {@code getStrings()}.
   *
   * @param record the TXT record
   * @return the text
   */
  public static String txtText(TXTRecord record) {
    StringBuilder sb = new StringBuilder();
    for (byte[] characterString : record.getStringsAsByteArrays()) {
      for (byte b : characterString) {
        sb.append((char) (b & 0xFF));
      }
    }
    return sb.toString();
  }

  /**
   * Converts an A or AAAA RR to an address named {@code host}; other records to {@code null}.
   * The bytes are taken as they are: an IPv4-mapped AAAA record becomes an IPv4 address, as
   * {@link InetAddress#getByAddress(String, byte[])} makes it.
   *
   * @param record a record from the answer
   * @param host the host name the address is given
   * @return the address, or {@code null} when the record is not an address record
   */
  public static @Nullable InetAddress address(Record record, String host) {
    InetAddress raw;
    if (record instanceof ARecord a) {
      raw = a.getAddress();
    } else if (record instanceof AAAARecord aaaa) {
      raw = aaaa.getAddress();
    } else {
      return null;
    }
    try {
      return InetAddress.getByAddress(host, raw.getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address record always has 4 or 16 bytes", e);
    }
  }

  /**
   * Converts an MX RR: lower-case target without the root dot, {@code ""} for a null MX.
   *
   * @param record the MX record
   * @return the record
   */
  public static MxRecord mx(MXRecord record) {
    return new MxRecord(record.getPriority(), QueryNames.toText(record.getTarget()));
  }

  /**
   * Maps a successful lookup: the records of the type asked for, or NODATA when there are none
   * (dnsjava reports NODATA as an empty result, also at the end of a CNAME chain).
   *
   * @param <T> the record type
   * @param name the name as the caller gave it
   * @param result what dnsjava found
   * @param convert converts one record, returning {@code null} for records of another type
   * @param maxCnameChain the most CNAMEs that may be followed
   * @return the outcome
   */
  public static <T> DnsOutcome<T> fromResult(
      String name, LookupResult result, Converter<T> convert, int maxCnameChain) {
    List<Name> aliases = result.getAliases();
    if (aliases.size() > maxCnameChain) {
      return new DnsOutcome.TemporaryFailure<>(name, DnsFailure.CNAME_CHAIN,
          "followed " + aliases.size() + " CNAMEs; the limit is " + maxCnameChain, null);
    }
    List<T> records = new ArrayList<>();
    Name owner = null;
    for (Record r : result.getRecords()) {
      @Nullable T converted = convert.convert(r);
      if (converted != null) {
        records.add(converted);
        owner = r.getName();
      }
    }
    if (records.isEmpty() || owner == null) {
      return new DnsOutcome.NoData<>(name);
    }
    List<String> chain = new ArrayList<>();
    if (!aliases.isEmpty()) {
      for (Name alias : aliases.subList(1, aliases.size())) {
        chain.add(QueryNames.toText(alias));
      }
      chain.add(QueryNames.toText(owner));
    }
    return new DnsOutcome.Records<>(name, records, chain);
  }

  /**
   * Maps a failed lookup: NXDOMAIN to {@link DnsOutcome.NoSuchName}, everything else to a
   * {@link DnsOutcome.TemporaryFailure} with the reason and the cause (TXT-13, SEC-3).
   *
   * @param <T> the record type
   * @param name the name as the caller gave it
   * @param error what the lookup failed with
   * @return the outcome
   */
  public static <T> DnsOutcome<T> fromFailure(String name, Throwable error) {
    Throwable cause = unwrap(error);
    Throwable t = cause;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
      DnsOutcome<T> outcome = classify(name, t);
      if (outcome != null) {
        return outcome;
      }
    }
    return failure(name, DnsFailure.MALFORMED_ANSWER, "the lookup failed unexpectedly", cause);
  }

  private static <T> @Nullable DnsOutcome<T> classify(String name, Throwable t) {
    if (t instanceof LookupFailure f) {
      return failure(name, f.reason(), f.getMessage(), f);
    }
    if (t instanceof NoSuchDomainException) {
      return new DnsOutcome.NoSuchName<>(name);
    }
    if (t instanceof NoSuchRRSetException) {
      return new DnsOutcome.NoData<>(name);
    }
    if (t instanceof RedirectOverflowException) {
      return failure(name, DnsFailure.CNAME_CHAIN, "the CNAME chain is too long or loops", t);
    }
    if (t instanceof ServerFailedException) {
      return failure(name, DnsFailure.SERVFAIL, "the server answered SERVFAIL", t);
    }
    if (t instanceof InvalidZoneDataException || t instanceof LookupFailedException) {
      return failure(name, DnsFailure.MALFORMED_ANSWER, "the answer is not usable", t);
    }
    if (t instanceof SocketTimeoutException) {
      return failure(name, DnsFailure.TIMEOUT, "the query timed out", t);
    }
    if (t instanceof WireParseException) {
      return failure(name, DnsFailure.MALFORMED_ANSWER, "the answer could not be parsed", t);
    }
    if (t instanceof IOException) {
      return failure(name, DnsFailure.NETWORK_ERROR, "the server could not be reached", t);
    }
    return null;
  }

  private static <T> DnsOutcome<T> failure(
      String name, DnsFailure reason, @Nullable String message, Throwable cause) {
    String text = message == null ? reason.name() : message;
    if (cause.getMessage() != null && !text.equals(cause.getMessage())) {
      text = text + ": " + cause.getMessage();
    }
    return new DnsOutcome.TemporaryFailure<>(name, reason, text, cause);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    for (int depth = 0; depth < MAX_CAUSE_DEPTH
        && (t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null; depth++) {
      t = t.getCause();
    }
    return t;
  }
}

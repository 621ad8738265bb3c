package dev.weft.examples.kv.grpc;

import io.grpc.Metadata;

/**
 * The trailer that marks a refusal by the replicated map itself (as opposed to one by the
 * at-most-once layer, which shares the status code {@code FAILED_PRECONDITION} and is safe to
 * retry): {@code expired:SESSION} for an expired session, {@code stale} for a request older than
 * its session's last.
 */
final class Refusals {
  static final Metadata.Key<String> KEY =
      Metadata.Key.of("weft-kv-refused", Metadata.ASCII_STRING_MARSHALLER);
  static final String EXPIRED = "expired:";
  static final String STALE = "stale";

  private Refusals() {}

  static Metadata trailers(String value) {
    Metadata m = new Metadata();
    m.put(KEY, value);
    return m;
  }
}

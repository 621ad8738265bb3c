package dev.weft.grpc.rpc;

import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata of an at-most-once call. Requests carry the client's session id, the request's
 * sequence number, when it was first sent (the client's clock, milliseconds since the epoch), the
 * client's acknowledgement watermark (every request below it is finished), and a few sequence
 * numbers above the watermark whose replies arrived since the last request. A refusal because the
 * server no longer knows the session carries a marker in its trailers, so that the client starts a
 * new session.
 */
final class Headers {
  static final Metadata.Key<String> CLIENT = key("weft-client");
  static final Metadata.Key<String> SEQUENCE = key("weft-seq");
  static final Metadata.Key<String> SENT = key("weft-sent");
  static final Metadata.Key<String> SEEN = key("weft-seen");
  static final Metadata.Key<String> ACKED = key("weft-acked");
  static final Metadata.Key<String> REFUSAL = key("weft-refusal");
  static final String SESSION_EXPIRED = "session-expired";

  /** The most sequence numbers one request acknowledges individually. */
  static final int MAX_ACKS_PER_REQUEST = 64;

  private Headers() {}

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** What a request's headers say, or null if they are missing or unreadable. */
  record Call(String client, long sequence, long sent, long seen, List<Long> acked) {
    static Call read(Metadata headers) {
      String client = headers.get(CLIENT);
      String seq = headers.get(SEQUENCE);
      String sent = headers.get(SENT);
      String seen = headers.get(SEEN);
      if (client == null || client.isEmpty() || seq == null || sent == null || seen == null) {
        return null;
      }
      try {
        List<Long> acked = new ArrayList<>();
        String list = headers.get(ACKED);
        if (list != null && !list.isEmpty()) {
          String[] parts = list.split(",", MAX_ACKS_PER_REQUEST + 1);
          for (int i = 0; i < Math.min(parts.length, MAX_ACKS_PER_REQUEST); i++) {
            acked.add(Long.parseLong(parts[i]));
          }
        }
        long s = Long.parseLong(seq);
        long w = Long.parseLong(seen);
        if (s < 1 || w < 1) {
          return null;
        }
        return new Call(client, s, Long.parseLong(sent), w, acked);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}

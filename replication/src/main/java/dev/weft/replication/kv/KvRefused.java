package dev.weft.replication.kv;

/**
 * A server's refusal of a {@link KvRequest}: it does not serve that operation in the view it is in
 * (it is not the primary, the head or the tail, has no lease, or is still catching up). Nothing was
 * done; the client asks the configuration service for the current view and tries again.
 *
 * @param client the client that asked
 * @param seq the number of the request refused
 * @param view the number of the view the server is in (0 if it knows none)
 */
public record KvRefused(long client, long seq, long view) {
  @Override
  public String toString() {
    return "refused c" + client + "#" + seq + " in view " + view;
  }
}

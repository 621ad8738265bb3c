package dev.weft.examples.kv;

import java.io.Serial;

/**
 * The map refused a request because its client session is unknown: it expired (no request for
 * longer than the session timeout, by the map's replicated clock) or was never registered. Whether
 * an earlier attempt of the same request took effect before the session expired is unknown; a
 * client registers a new session and goes on (Ongaro's thesis, §6.3).
 */
public final class SessionExpiredException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  private final long session;

  /**
   * Creates the exception.
   *
   * @param session the session the request named
   */
  public SessionExpiredException(long session) {
    super("client session " + session + " has expired or was never registered");
    this.session = session;
  }

  /**
   * The session the refused request named.
   *
   * @return its id
   */
  public long session() {
    return session;
  }
}

package dev.weft.raft.server;

/**
 * A proposal failed because its server was shut down (or is shutting down, or stopped after a
 * failure, which is then the cause) before the command was applied. The command may still be
 * committed by the rest of the cluster.
 */
public final class ServerClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was shut down
   */
  public ServerClosedException(String message) {
    super(message);
  }

  /**
   * Creates the exception for a server that stopped because of a failure.
   *
   * @param message what was shut down
   * @param cause why: the failure that stopped the server's event loop
   */
  public ServerClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}

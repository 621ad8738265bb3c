package dev.weft.playground;

/**
 * A request the playground refuses, with the HTTP status and the message the page shows. Thrown
 * before anything changes, so a refused request leaves the simulation as it was.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** 400: the request is malformed or names something that is not there. */
  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  /** 404: no such view, event or file. */
  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /** 409: well-formed, but not possible now (a node already down, no leader, a stopped run). */
  static ApiException conflict(String message) {
    return new ApiException(409, message);
  }

  int status() {
    return status;
  }
}

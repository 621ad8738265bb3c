package dev.weft.grpc.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Gives every unary call that has no deadline of its own a default one, so that no call waits for
 * ever on a server that vanished. A deadline covers a call with all its retries.
 *
 * {@snippet :
 * Channel channel = ClientInterceptors.intercept(raw, DefaultDeadline.of(Duration.ofSeconds(2)));
 * }
 */
public final class DefaultDeadline implements ClientInterceptor {
  private final Duration deadline;

  private DefaultDeadline(Duration deadline) {
    this.deadline = deadline;
  }

  /**
   * An interceptor that gives unary calls without a deadline this one.
   *
   * @param deadline the time a call may take, from its start, positive
   * @return the interceptor
   * @throws IllegalArgumentException if {@code deadline} is not positive
   * @throws NullPointerException if {@code deadline} is null
   */
  public static DefaultDeadline of(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive: " + deadline);
    }
    return new DefaultDeadline(deadline);
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
      options = options.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    return next.newCall(method, options);
  }

  @Override
  public String toString() {
    return "DefaultDeadline[" + deadline + "]";
  }
}

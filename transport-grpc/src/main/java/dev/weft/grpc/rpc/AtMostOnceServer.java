package dev.weft.grpc.rpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The server half of at-most-once RPC: a reply cache in front of a service's unary methods, so that
 * a request retried by the client, by gRPC's retry policy or after a lost response runs its handler
 * at most once, and every copy gets the first reply.
 *
 * {@snippet :
 * AtMostOnceServer amo = AtMostOnceServer.builder().forgetAfter(Duration.ofMinutes(5)).build();
 * Server server = NettyServerBuilder.forAddress(address, credentials)
 *     .addService(ServerInterceptors.intercept(new BankService(), amo))
 *     .build().start();
 * }
 *
 * <p><b>What a request meets</b> (requests carry the headers {@link AtMostOnceClient} writes):
 *
 * <table class="striped">
 *   <caption>The reply cache's verdicts</caption>
 *   <thead><tr><th>the request is</th><th>what happens</th></tr></thead>
 *   <tbody>
 *   <tr><td>new</td><td>the handler runs; its headers, messages, status and trailers are
 *       kept until the client acknowledges them</td></tr>
 *   <tr><td>a copy of one whose handler is running</td><td>waits, holding no thread, and gets the
 *       first attempt's reply</td></tr>
 *   <tr><td>a copy of one answered but not acknowledged</td><td>gets the stored reply</td></tr>
 *   <tr><td>a copy of one acknowledged</td><td>{@code FAILED_PRECONDITION}: a late duplicate,
 *       not run again</td></tr>
 *   <tr><td>of a session the server forgot (or from before it started)</td><td>{@code
 *       FAILED_PRECONDITION} with a trailer that makes the client start a new session; not run,
 *       since it may have run before</td></tr>
 *   <tr><td>over the per-session or session limits</td><td>{@code RESOURCE_EXHAUSTED}</td></tr>
 *   <tr><td>without the headers</td><td>{@code INVALID_ARGUMENT}</td></tr>
 *   </tbody>
 * </table>
 *
 * <p><b>Memory</b> is bounded: a session holds the replies its client has not acknowledged (about
 * as many as it has calls in flight, at most {@link Builder#maxRepliesPerSession}), and there are
 * at most {@link Builder#maxSessions} sessions; a session silent for {@link Builder#forgetAfter} is
 * forgotten. Forgetting is safe because of time: requests carry the client's clock at their first
 * attempt, the server remembers the latest such time of any session it forgot, and refuses a
 * request of an unknown session that is not later than that (Liskov, Shrira and Wroclawski, ACM
 * TOCS 1991). Client clocks therefore need to agree within well under {@code forgetAfter}; a client
 * whose clock lags is refused (safely) rather than served twice.
 *
 * <p><b>Limits.</b> The cache is in memory: it guarantees at-most-once while this server process
 * lives, and refuses after a restart whatever was first sent before it (so nothing runs twice
 * across a restart either, but such requests fail). A first attempt cancelled while its handler
 * runs (a deadline, a client gone) leaves no reply: it and its copies get {@code ABORTED} (it ran
 * at most once; its outcome is unknown here). Streaming methods pass through untouched. For
 * exactly-once, the deduplication must live in replicated state, as the key-value example's client
 * sessions do.
 */
public final class AtMostOnceServer implements ServerInterceptor {
  private final ReplyCache cache;

  /**
   * Counters and sizes now.
   *
   * @param sessions client sessions remembered
   * @param replies requests remembered (running, or answered and not yet acknowledged)
   * @param executed handlers started
   * @param replayed copies answered from the cache
   * @param waited copies that arrived while their first attempt ran
   * @param refusedAnswered late copies of acknowledged requests
   * @param refusedExpired requests of forgotten sessions
   * @param refusedFull requests refused because a limit was reached
   * @param forgotten sessions forgotten
   */
  public record Stats(
      int sessions,
      int replies,
      long executed,
      long replayed,
      long waited,
      long refusedAnswered,
      long refusedExpired,
      long refusedFull,
      long forgotten) {}

  private AtMostOnceServer(Builder b) {
    this.cache =
        new ReplyCache(b.clock, b.forgetAfter.toMillis(), b.maxSessions, b.maxRepliesPerSession);
  }

  /**
   * A builder with the defaults: forget after 10 minutes, 100,000 sessions, 1,024 replies per
   * session, the system clock.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The counters now.
   *
   * @return a snapshot
   */
  public Stats stats() {
    return cache.stats();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      return next.startCall(call, headers);
    }
    Headers.Call request = Headers.Call.read(headers);
    if (request == null) {
      call.close(
          Status.INVALID_ARGUMENT.withDescription(
              method.getFullMethodName()
                  + " is at-most-once: a call needs the weft-client, weft-seq, weft-sent and"
                  + " weft-seen headers that AtMostOnceClient writes"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ReplyCache.Admission a =
        cache.admit(request, method.getFullMethodName(), reply -> replay(call, reply));
    switch (a.verdict()) {
      case REPLAY -> replay(call, a.reply());
      case WAIT -> {
        // the first attempt's completion replays its reply here
      }
      case REFUSE -> call.close(a.refusal(), a.trailers());
      case RUN -> {
        return run(call, headers, next, a.entry());
      }
    }
    return new ServerCall.Listener<>() {};
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> run(
      ServerCall<ReqT, RespT> call,
      Metadata headers,
      ServerCallHandler<ReqT, RespT> next,
      ReplyCache.Entry entry) {
    Recording<ReqT, RespT> recording = new Recording<>(call, entry);
    ServerCall.Listener<ReqT> handler = next.startCall(recording, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(handler) {
      @Override
      public void onHalfClose() {
        cache.started(entry); // a unary handler runs when the request is complete
        super.onHalfClose();
      }

      @Override
      public void onCancel() {
        cache.cancelled(entry);
        super.onCancel();
      }
    };
  }

  /** Sends a stored reply to a copy of its request. */
  @SuppressWarnings("unchecked") // the stored messages come from a call of the same method
  private static <RespT> void replay(ServerCall<?, RespT> call, ReplyCache.Reply reply) {
    if (reply.headers() != null) {
      call.sendHeaders(copy(reply.headers()));
    }
    for (Object m : reply.messages()) {
      call.sendMessage((RespT) m);
    }
    call.close(reply.status(), copy(reply.trailers()));
  }

  private static Metadata copy(Metadata m) {
    Metadata c = new Metadata();
    c.merge(m);
    return c;
  }

  /** Passes a first attempt's answer on, and keeps a copy for its duplicates. */
  private final class Recording<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final ReplyCache.Entry entry;
    private Metadata headers;
    private final List<Object> messages = new ArrayList<>(1);

    Recording(ServerCall<ReqT, RespT> call, ReplyCache.Entry entry) {
      super(call);
      this.entry = entry;
    }

    @Override
    public void sendHeaders(Metadata h) {
      headers = copy(h);
      super.sendHeaders(h);
    }

    @Override
    public void sendMessage(RespT message) {
      messages.add(message);
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      cache.complete(
          entry, new ReplyCache.Reply(headers, List.copyOf(messages), status, copy(trailers)));
      super.close(status, trailers);
    }
  }

  /** Limits and clock of an {@link AtMostOnceServer}. */
  public static final class Builder {
    private Duration forgetAfter = Duration.ofMinutes(10);
    private int maxSessions = 100_000;
    private int maxRepliesPerSession = 1024;
    private InstantSource clock = InstantSource.system();

    private Builder() {}

    /**
     * How long a silent session is remembered (default 10 minutes). Longer than any client keeps
     * retrying one request, and much longer than client clocks disagree.
     *
     * @param silence the time, positive
     * @return this builder
     */
    public Builder forgetAfter(Duration silence) {
      Objects.requireNonNull(silence, "silence");
      if (silence.isNegative() || silence.isZero()) {
        throw new IllegalArgumentException("forgetAfter must be positive: " + silence);
      }
      this.forgetAfter = silence;
      return this;
    }

    /**
     * The most sessions remembered (default 100,000); beyond, the least recently heard idle one is
     * forgotten early.
     *
     * @param sessions the limit, positive
     * @return this builder
     */
    public Builder maxSessions(int sessions) {
      if (sessions < 1) {
        throw new IllegalArgumentException("maxSessions must be positive: " + sessions);
      }
      this.maxSessions = sessions;
      return this;
    }

    /**
     * The most requests one session may have running or unacknowledged (default 1,024).
     *
     * @param replies the limit, positive
     * @return this builder
     */
    public Builder maxRepliesPerSession(int replies) {
      if (replies < 1) {
        throw new IllegalArgumentException("maxRepliesPerSession must be positive: " + replies);
      }
      this.maxRepliesPerSession = replies;
      return this;
    }

    /**
     * The wall clock (default the system's), for silence and for comparing with the times requests
     * carry.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the interceptor; its horizon starts now (requests first sent before this moment are
     * refused, as after a restart).
     *
     * @return the interceptor
     */
    public AtMostOnceServer build() {
      return new AtMostOnceServer(this);
    }
  }
}

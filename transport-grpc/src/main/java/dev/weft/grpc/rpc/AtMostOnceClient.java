package dev.weft.grpc.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client half of at-most-once RPC: gives every unary call a client session id and a sequence
 * number, in metadata, for an {@link AtMostOnceServer} to run the call's handler at most once
 * however often the request arrives.
 *
 * {@snippet :
 * AtMostOnceClient amo = AtMostOnceClient.create();
 * Channel channel = ClientInterceptors.intercept(managedChannel, amo);
 * // gRPC's own retries (a retry policy in the service config) reuse the call's number:
 * Reply r = MyServiceGrpc.newBlockingStub(channel).transfer(request);
 *
 * // retries by the application reuse a number it holds:
 * try (AtMostOnceClient.Request req = amo.newRequest()) {
 *   while (true) {
 *     try {
 *       return stub.withOption(AtMostOnceClient.REQUEST, req).transfer(request);
 *     } catch (StatusRuntimeException e) {
 *       if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) throw e;
 *     }
 *   }
 * } // closing tells the server, with a later call, that it may forget the reply
 * }
 *
 * <p><b>Numbers.</b> A call without a {@link #REQUEST} option takes a new number when it starts and
 * is finished when it closes, whatever its outcome; gRPC's retries and hedges of it carry the same
 * headers, so the server runs it once. A call with a {@link Request} uses that request's number,
 * and the request is finished when the application closes it.
 *
 * <p><b>Acknowledgements</b> ("xid and seen"): every request tells the server the lowest number
 * still unfinished (all below it are done) and lists up to {@value Headers#MAX_ACKS_PER_REQUEST}
 * numbers above it finished since the last request, so the server drops those replies and keeps
 * memory in proportion to the calls in flight.
 *
 * <p><b>Sessions.</b> A server forgets a session after a configured silence; a request of a
 * forgotten session then fails with {@code FAILED_PRECONDITION} (it may have run: the server cannot
 * tell), and this client starts a new session (a new id) for the calls after it. Requests carry the
 * time of their first attempt from {@link InstantSource}; the server compares it with the times of
 * sessions it forgot, so client clocks must be roughly synchronized with each other (see {@link
 * AtMostOnceServer}).
 *
 * <p>Non-unary calls pass through untouched. Thread-safe; one client per process (or per logical
 * client) is enough.
 */
public final class AtMostOnceClient implements ClientInterceptor {
  /** Call option: the {@link Request} whose number a call uses, for retries by the application. */
  public static final CallOptions.Key<Request> REQUEST = CallOptions.Key.create("weft-amo-request");

  private final InstantSource clock;
  private final AtomicReference<Session> session = new AtomicReference<>();

  private AtMostOnceClient(InstantSource clock) {
    this.clock = clock;
    session.set(new Session());
  }

  /**
   * A client with a fresh random session id, on the system clock.
   *
   * @return the client
   */
  public static AtMostOnceClient create() {
    return create(InstantSource.system());
  }

  /**
   * A client with a fresh random session id, stamping requests with {@code clock}.
   *
   * @param clock the wall clock
   * @return the client
   * @throws NullPointerException if {@code clock} is null
   */
  public static AtMostOnceClient create(InstantSource clock) {
    return new AtMostOnceClient(Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The current session's id (it changes when a server has forgotten the session).
   *
   * @return the id
   */
  public String sessionId() {
    return session.get().id;
  }

  /**
   * Takes a new number for a request the application may send several times; close it once the
   * answer is in hand or the application gives up.
   *
   * @return the request
   */
  public Request newRequest() {
    Session s = session.get();
    return new Request(s, s.begin(), clock.millis());
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      return next.newCall(method, options);
    }
    Request given = options.getOption(REQUEST);
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        Request r = given != null ? given : newRequest();
        r.session.write(headers, r);
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                if (given == null) {
                  r.close();
                }
                if (Headers.SESSION_EXPIRED.equals(trailers.get(Headers.REFUSAL))) {
                  session.compareAndSet(r.session, new Session());
                }
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }

  @Override
  public String toString() {
    return "AtMostOnceClient[" + sessionId() + "]";
  }

  /**
   * One logical request: a number that every attempt to send it reuses. Thread-safe. Closing it
   * tells the server, on a later call, that the reply is no longer needed; a request must not be
   * sent after it is closed (the server would refuse it as already answered).
   */
  public static final class Request implements AutoCloseable {
    private final Session session;
    private final long sequence;
    private final long firstSent;
    private boolean closed;

    private Request(Session session, long sequence, long firstSent) {
      this.session = session;
      this.sequence = sequence;
      this.firstSent = firstSent;
    }

    /**
     * The request's number within its session.
     *
     * @return the sequence number, from 1
     */
    public long sequence() {
      return sequence;
    }

    /**
     * The id of the session the request belongs to.
     *
     * @return the session id
     */
    public String sessionId() {
      return session.id;
    }

    /** Finishes the request. Idempotent. */
    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      session.end(sequence);
    }

    @Override
    public String toString() {
      return "Request[" + session.id + "#" + sequence + "]";
    }
  }

  /** One session: an id, the next number, and what is in flight and finished. */
  private static final class Session {
    final String id = UUID.randomUUID().toString();
    private long next = 1;
    private final TreeSet<Long> inFlight = new TreeSet<>();
    private final ArrayDeque<Long> unreported = new ArrayDeque<>();

    synchronized long begin() {
      long seq = next++;
      inFlight.add(seq);
      return seq;
    }

    synchronized void end(long seq) {
      if (inFlight.remove(seq)) {
        unreported.addLast(seq);
      }
    }

    /** Writes a request's headers, with the acknowledgements due now. */
    synchronized void write(Metadata headers, Request r) {
      long seen = inFlight.isEmpty() ? next : inFlight.first();
      headers.put(Headers.CLIENT, id);
      headers.put(Headers.SEQUENCE, Long.toString(r.sequence));
      headers.put(Headers.SENT, Long.toString(r.firstSent));
      headers.put(Headers.SEEN, Long.toString(seen));
      StringJoiner acked = new StringJoiner(",");
      int n = 0;
      while (!unreported.isEmpty() && n < Headers.MAX_ACKS_PER_REQUEST) {
        long s = unreported.pollFirst();
        if (s > seen) { // those below the watermark need no mention
          acked.add(Long.toString(s));
          n++;
        }
      }
      if (n > 0) {
        headers.put(Headers.ACKED, acked.toString());
      }
    }
  }
}

package dev.weft.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.grpc.GrpcTransport.Rejection;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.server.Envelope;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between nodes, with certificates made by the test: peers with the right certificates
 * talk; a peer whose certificate names another id, or comes from an untrusted authority, or that
 * speaks plaintext, is refused in both directions.
 */
@Timeout(30)
class TlsTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final InetSocketAddress NOWHERE =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
  private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), 2);

  @TempDir Path dir;
  private final List<GrpcTransport> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(GrpcTransport::close);
  }

  private GrpcTransport node(String id, Security security, String peer) {
    GrpcTransport t = GrpcTransport.builder(id, security).peer(peer, NOWHERE).backoff(FAST).build();
    open.add(t);
    return t;
  }

  /** Starts two nodes that know each other's address; returns what each receives. */
  private static List<BlockingQueue<Envelope>> startPair(GrpcTransport x, GrpcTransport y) {
    x.setPeerAddress(y.id(), y.address());
    y.setPeerAddress(x.id(), x.address());
    BlockingQueue<Envelope> atX = new LinkedBlockingQueue<>();
    BlockingQueue<Envelope> atY = new LinkedBlockingQueue<>();
    x.start(atX::add);
    y.start(atY::add);
    return List.of(atX, atY);
  }

  private static Envelope heartbeat(String from, String to) {
    return new Envelope.Raft(new RaftMessage.Heartbeat(from, to, 1, 0));
  }

  @Test
  void peersWithCertificatesNamingTheirIdsTalk() throws Exception {
    TestCertificates ca = new TestCertificates(dir, "ca");
    GrpcTransport a = node("a", ca.node("a"), "b");
    GrpcTransport b = node("b", ca.node("b"), "a");
    List<BlockingQueue<Envelope>> at = startPair(a, b);
    BlockingQueue<Envelope> atA = at.get(0);
    BlockingQueue<Envelope> atB = at.get(1);
    Await.until(WAIT, () -> a.stats().connects() == 1 && b.stats().connects() == 1, a::toString);
    a.send(heartbeat("a", "b"));
    b.send(heartbeat("b", "a"));
    assertEquals(heartbeat("a", "b"), atB.poll(10, TimeUnit.SECONDS));
    assertEquals(heartbeat("b", "a"), atA.poll(10, TimeUnit.SECONDS));
    for (Rejection r : Rejection.values()) {
      assertEquals(0, a.rejected(r) + b.rejected(r), r.name());
    }
  }

  @Test
  void aPeerWhoseCertificateNamesAnotherIdIsRefusedBothWays() throws Exception {
    TestCertificates ca = new TestCertificates(dir, "ca");
    GrpcTransport a = node("a", ca.node("a"), "c");
    // c holds a certificate from the right authority, but for "mallory"
    GrpcTransport c = node("c", ca.node("mallory"), "a");
    List<BlockingQueue<Envelope>> at = startPair(a, c);
    BlockingQueue<Envelope> atA = at.get(0);
    BlockingQueue<Envelope> atC = at.get(1);
    // c dials a: a's service sees a certificate for mallory from a caller claiming to be c
    Await.until(WAIT, () -> a.rejected(Rejection.WRONG_IDENTITY) >= 1, () -> a.stats().toString());
    // a dials c: the TLS handshake fails, as c's certificate does not name c
    Await.until(WAIT, () -> a.rejected(Rejection.WRONG_IDENTITY) >= 3, () -> a.stats().toString());
    for (int i = 0; i < 20; i++) {
      a.send(heartbeat("a", "c"));
      c.send(heartbeat("c", "a"));
      Thread.sleep(5);
    }
    assertNull(atA.poll(200, TimeUnit.MILLISECONDS));
    assertTrue(atC.isEmpty());
    assertEquals(0, a.stats().connects(), a.stats().toString());
    assertEquals(0, c.stats().connects(), c.stats().toString());
  }

  @Test
  void anUntrustedAuthorityOrPlaintextIsRefused() throws Exception {
    TestCertificates ca = new TestCertificates(dir, "ca");
    TestCertificates rogue = new TestCertificates(dir, "rogue");
    GrpcTransport a = node("a", ca.node("a"), "b");
    GrpcTransport forged = node("b", rogue.node("b"), "a");
    GrpcTransport plain = node("b", Security.plaintext(), "a");
    BlockingQueue<Envelope> atA = new LinkedBlockingQueue<>();
    a.start(atA::add);
    forged.setPeerAddress("a", a.address());
    plain.setPeerAddress("a", a.address());
    forged.start(e -> {});
    plain.start(e -> {});
    Await.until(
        WAIT,
        () -> forged.stats().connectFailures() >= 2 && plain.stats().connectFailures() >= 2,
        () -> forged.stats() + " " + plain.stats());
    forged.send(heartbeat("b", "a"));
    plain.send(heartbeat("b", "a"));
    assertNull(atA.poll(200, TimeUnit.MILLISECONDS));
    assertEquals(0, forged.stats().connects() + plain.stats().connects());
    assertTrue(forged.rejected(Rejection.WRONG_IDENTITY) >= 1, "a's certificate is untrusted to b");
  }

  @Test
  void securitySettingsAreCheckedUpFront() throws Exception {
    TestCertificates ca = new TestCertificates(dir, "ca");
    Path[] files = ca.issue("a");
    Path missing = dir.resolve("missing.pem");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Security.mutualTls(files[0], missing, ca.trustBundle()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    // one-sided TLS cannot authenticate Raft peers
    assertThrows(
        IllegalArgumentException.class,
        () -> GrpcTransport.builder("a", Security.serverTls(files[0], files[1])));
    // TLS ids must be DNS names
    assertThrows(
        IllegalArgumentException.class, () -> GrpcTransport.builder("node_1", ca.node("a")));
    assertThrows(
        IllegalArgumentException.class,
        () -> GrpcTransport.builder("a", ca.node("a")).peer("b c", NOWHERE));
    assertThrows(
        IllegalStateException.class,
        () -> Security.clientTls(ca.trustBundle()).serverCredentials());
    assertThrows(
        IllegalStateException.class,
        () -> Security.serverTls(files[0], files[1]).channelCredentials());
    // a key file that is not a key, a key in the wrong format, a certificate file that is not one
    Path junk = Files.writeString(dir.resolve("junk.key"), "not a key");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Security.mutualTls(files[0], junk, ca.trustBundle()));
    assertTrue(e.getMessage().contains("junk.key"), e.getMessage());
    Path pkcs1 =
        Files.writeString(
            dir.resolve("rsa.key"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Security.mutualTls(files[0], pkcs1, ca.trustBundle()));
    assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Security.clientTls(files[1]));
    assertTrue(e.getMessage().contains(files[1].toString()), e.getMessage());
  }
}

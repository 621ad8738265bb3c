package dev.weft.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a node's connections are secured: TLS or mutual TLS from PEM files, or, only when asked for
 * by name, plaintext. Immutable.
 *
 * {@snippet :
 * Security tls = Security.mutualTls(
 *     Path.of("a.crt"),     // this node's certificate chain, PEM; its own certificate first
 *     Path.of("a.key"),     // its private key, PEM, PKCS#8 ("BEGIN PRIVATE KEY")
 *     Path.of("ca.crt"));   // the certificates it trusts, PEM
 * }
 *
 * <p><b>Identities.</b> Between weft nodes, a node's certificate must name its node id as a DNS
 * subject alternative name (an id {@code "a"} needs {@code DNS:a}); a node refuses a peer whose
 * certificate, although signed by a trusted authority, names another id. With TLS, node ids must
 * therefore be host names: letters, digits, hyphens and dots.
 *
 * <p>The factories check the files at once (PEM certificates that parse, a PKCS#8 private key that
 * parses), so that a wrong path or format fails with a message naming the file, not at the first
 * connection. The files are read again when credentials are made ({@link #serverCredentials()},
 * {@link #channelCredentials()}), so rotated certificates take effect on the next server or
 * connection built from this value.
 */
public final class Security {
  private final Path certificateChain;
  private final Path privateKey;
  private final Path trustBundle;
  private final boolean requireClientCertificates;

  private Security(
      Path certificateChain, Path privateKey, Path trustBundle, boolean requireClientCertificates) {
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.trustBundle = trustBundle;
    this.requireClientCertificates = requireClientCertificates;
  }

  /**
   * No encryption and no authentication: anyone who can reach the port can join. For tests and for
   * networks secured otherwise; the name says what it is.
   *
   * @return plaintext
   */
  public static Security plaintext() {
    return new Security(null, null, null, false);
  }

  /**
   * Mutual TLS, as weft nodes use between themselves: as a server, this node presents its
   * certificate and requires one from every client, signed by an authority in the trust bundle; as
   * a client, it presents its certificate and verifies the server's.
   *
   * @param certificateChain this node's certificate chain, PEM
   * @param privateKey its private key, PEM (PKCS#8)
   * @param trustBundle the authorities it trusts, PEM
   * @return mutual TLS
   * @throws IllegalArgumentException if a file is not a readable regular file, or does not hold
   *     what it should (the message names the file)
   * @throws NullPointerException if a path is null
   */
  public static Security mutualTls(Path certificateChain, Path privateKey, Path trustBundle) {
    return new Security(
        Pem.certificates(readable(certificateChain, "certificateChain")),
        Pem.privateKey(readable(privateKey, "privateKey")),
        Pem.certificates(readable(trustBundle, "trustBundle")),
        true);
  }

  /**
   * TLS for a server whose clients need no certificates (an RPC service reached by many clients):
   * the server presents its certificate. A value made this way cannot make client credentials.
   *
   * @param certificateChain the server's certificate chain, PEM
   * @param privateKey its private key, PEM (PKCS#8)
   * @return server-side TLS
   * @throws IllegalArgumentException if a file is not a readable regular file
   * @throws NullPointerException if a path is null
   */
  public static Security serverTls(Path certificateChain, Path privateKey) {
    return new Security(
        Pem.certificates(readable(certificateChain, "certificateChain")),
        Pem.privateKey(readable(privateKey, "privateKey")),
        null,
        false);
  }

  /**
   * TLS for a client that verifies the server and presents no certificate of its own. A value made
   * this way cannot make server credentials.
   *
   * @param trustBundle the authorities the client trusts, PEM
   * @return client-side TLS
   * @throws IllegalArgumentException if the file is not a readable regular file
   * @throws NullPointerException if the path is null
   */
  public static Security clientTls(Path trustBundle) {
    return new Security(null, null, Pem.certificates(readable(trustBundle, "trustBundle")), false);
  }

  private static Path readable(Path file, String what) {
    Objects.requireNonNull(file, what);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " " + file + " is not a readable file");
    }
    return file;
  }

  /**
   * Whether this is {@link #plaintext()}.
   *
   * @return true for plaintext
   */
  public boolean isPlaintext() {
    return certificateChain == null && trustBundle == null;
  }

  /**
   * Whether both sides of a connection are authenticated by certificates ({@link #mutualTls}).
   *
   * @return true for mutual TLS
   */
  public boolean isMutual() {
    return requireClientCertificates;
  }

  /**
   * Credentials for a server, read from the files now.
   *
   * @return the server credentials
   * @throws IllegalStateException if this value has no certificate of its own ({@link #clientTls})
   * @throws UncheckedIOException if a file cannot be read or parsed; the message names it
   */
  public ServerCredentials serverCredentials() {
    if (isPlaintext()) {
      return InsecureServerCredentials.create();
    }
    if (certificateChain == null) {
      throw new IllegalStateException("client-only TLS settings cannot secure a server");
    }
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
    try {
      b.keyManager(certificateChain.toFile(), privateKey.toFile());
    } catch (IOException | RuntimeException e) {
      throw unreadable(certificateChain + " with key " + privateKey, e);
    }
    if (requireClientCertificates) {
      try {
        b.trustManager(trustBundle.toFile());
      } catch (IOException | RuntimeException e) {
        throw unreadable(trustBundle.toString(), e);
      }
      b.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  /**
   * Credentials for a client, read from the files now.
   *
   * @return the channel credentials
   * @throws IllegalStateException if this value has no trust bundle ({@link #serverTls})
   * @throws UncheckedIOException if a file cannot be read or parsed; the message names it
   */
  public ChannelCredentials channelCredentials() {
    if (isPlaintext()) {
      return InsecureChannelCredentials.create();
    }
    if (trustBundle == null) {
      throw new IllegalStateException("server-only TLS settings cannot secure a client");
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      b.trustManager(trustBundle.toFile());
    } catch (IOException | RuntimeException e) {
      throw unreadable(trustBundle.toString(), e);
    }
    if (requireClientCertificates) {
      try {
        b.keyManager(certificateChain.toFile(), privateKey.toFile());
      } catch (IOException | RuntimeException e) {
        throw unreadable(certificateChain + " with key " + privateKey, e);
      }
    }
    return b.build();
  }

  private static UncheckedIOException unreadable(String what, Exception e) {
    IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
    return new UncheckedIOException("cannot use " + what + ": " + e.getMessage(), io);
  }

  @Override
  public String toString() {
    if (isPlaintext()) {
      return "Security[plaintext]";
    }
    return "Security["
        + (requireClientCertificates ? "mutual TLS" : "TLS")
        + (certificateChain == null ? "" : ", certificate " + certificateChain)
        + (trustBundle == null ? "" : ", trust " + trustBundle)
        + "]";
  }
}

package dev.weft.grpc;

import io.grpc.Attributes;
import io.grpc.Grpc;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Whether the certificate a connection's other end presented names a given node id: the id must be
 * one of the certificate's DNS subject alternative names (compared ignoring case, as host names
 * are). No wildcards, no common-name fallback.
 */
final class PeerIdentity {
  private static final int SAN_DNS = 2;
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private PeerIdentity() {}

  /**
   * Checks that an id can stand in a certificate as a DNS name.
   *
   * @throws IllegalArgumentException if it cannot
   */
  static void requireHostName(String id) {
    if (id.length() > 253 || !HOST_NAME.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "node id \"" + id + "\" cannot be a DNS name in a certificate, which TLS needs");
    }
  }

  /**
   * Returns null if the connection's peer certificate names {@code id}, else why not.
   *
   * @param attributes a call's transport attributes
   * @param id the node id expected
   */
  static String mismatch(Attributes attributes, String id) {
    SSLSession session = attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return "the connection is not TLS";
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return "the peer presented no certificate";
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return "the peer presented no X.509 certificate";
    }
    List<String> names = dnsNames(leaf);
    for (String name : names) {
      if (name.equalsIgnoreCase(id)) {
        return null;
      }
    }
    return "the peer's certificate names " + names + ", not " + id;
  }

  private static List<String> dnsNames(X509Certificate certificate) {
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (sans == null) {
      return List.of();
    }
    return sans.stream()
        .filter(san -> san.size() >= 2 && Integer.valueOf(SAN_DNS).equals(san.get(0)))
        .map(san -> String.valueOf(san.get(1)))
        .toList();
  }
}

package dev.weft.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Up-front checks of the PEM files {@link Security} is given, with the JDK's own parsers, so that a
 * wrong file fails with a message that names it.
 */
final class Pem {
  private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
  private static final String END_KEY = "-----END PRIVATE KEY-----";

  private Pem() {}

  /** Returns {@code file} if it holds at least one PEM certificate and nothing unparsable. */
  static Path certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IllegalArgumentException(file + " holds no certificate");
      }
      return file;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          file + " is not a PEM certificate file: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Returns {@code file} if it holds a PKCS#8 private key (RSA, EC or EdDSA) that parses. */
  static Path privateKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    int begin = text.indexOf(BEGIN_KEY);
    int end = text.indexOf(END_KEY);
    if (begin < 0 || end < begin) {
      String hint =
          text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
              ? " (it holds a PKCS#1 or SEC1 key: convert it with"
                  + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`)"
              : text.contains("BEGIN ENCRYPTED PRIVATE KEY")
                  ? " (encrypted keys are not supported)"
                  : "";
      throw new IllegalArgumentException(
          file + " holds no unencrypted PKCS#8 private key (\"" + BEGIN_KEY + "\")" + hint);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_KEY.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " holds a private key that is not base64", e);
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        return file;
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        file + " holds a PKCS#8 key that is not an RSA, EC or EdDSA private key");
  }
}

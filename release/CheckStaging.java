import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a staged weft release (what {@code release/stage} writes) against what Maven Central
 * checks on upload: for every published artifact, the POM with name, description, URL, licence,
 * developers and SCM (its own or its parent's, as Central reads them); the jar, sources and Javadoc
 * jars; MD5 and SHA-1 checksums of every file; and a good signature on every file, made by the key
 * in {@code signing-key.asc} (unless the staging was made with {@code --no-sign}).
 *
 * <p>Runs on Java 17 as a single source file: {@code java release/CheckStaging.java DIR [--no-sign]}.
 * Prints one line per problem and exits 1 if there is any.
 */
public final class CheckStaging {
  /** Every published artifact and its packaging. */
  private static final Map<String, String> PUBLISHED =
      Map.of(
          "weft-parent", "pom",
          "weft-bom", "pom",
          "weft-testkit", "jar",
          "weft-primitives", "jar",
          "weft-clocks", "jar",
          "weft-snapshot", "jar",
          "weft-consensus", "jar",
          "weft-replication", "jar",
          "weft-grpc", "jar");

  private final Path repo;
  private final boolean signed;
  private final Path keyring;
  private final List<String> problems = new ArrayList<>();

  private CheckStaging(Path staging, boolean signed, Path keyring) {
    this.repo = staging.resolve("repository");
    this.signed = signed;
    this.keyring = keyring;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--no-sign"))) {
      System.err.println("usage: java release/CheckStaging.java STAGING_DIR [--no-sign]");
      System.exit(2);
    }
    Path staging = Path.of(args[0]);
    boolean signed = args.length == 1;
    Path keyring = null;
    if (signed) {
      keyring = Files.createTempDirectory("weft-check-gnupg");
      run(List.of("gpg", "--homedir", keyring.toString(), "--batch", "--quiet", "--import",
          staging.resolve("signing-key.asc").toString()));
    }
    CheckStaging check = new CheckStaging(staging, signed, keyring);
    try {
      check.checkAll();
    } finally {
      if (keyring != null) {
        try (Stream<Path> files = Files.walk(keyring)) {
          files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
      }
    }
    if (!check.problems.isEmpty()) {
      check.problems.forEach(p -> System.out.println("staging: " + p));
      System.out.println("staging: " + check.problems.size() + " problems in " + staging);
      System.exit(1);
    }
    System.out.println("staging: " + PUBLISHED.size() + " artifacts in " + staging
        + " have POM metadata, jars, sources, Javadoc, checksums"
        + (signed ? " and good signatures" : " (unsigned, as asked)"));
  }

  private void checkAll() throws Exception {
    Path group = repo.resolve("dev/weft");
    if (!Files.isDirectory(group)) {
      problems.add("no " + group);
      return;
    }
    try (Stream<Path> dirs = Files.list(group)) {
      for (Path d : dirs.toList()) {
        if (!PUBLISHED.containsKey(d.getFileName().toString())) {
          problems.add("unexpected artifact " + d.getFileName() + " (not a published module)");
        }
      }
    }
    for (Map.Entry<String, String> a : PUBLISHED.entrySet()) {
      checkArtifact(group.resolve(a.getKey()), a.getKey(), a.getValue());
    }
  }

  private void checkArtifact(Path dir, String artifact, String packaging) throws Exception {
    if (!Files.isDirectory(dir)) {
      problems.add(artifact + ": missing");
      return;
    }
    List<Path> versions;
    try (Stream<Path> s = Files.list(dir)) {
      versions = s.filter(Files::isDirectory).toList();
    }
    if (versions.size() != 1) {
      problems.add(artifact + ": expected one version directory, found " + versions);
      return;
    }
    Path vdir = versions.get(0);
    String version = vdir.getFileName().toString();
    if (version.endsWith("-SNAPSHOT")) {
      problems.add(artifact + ": " + version + " is a SNAPSHOT; Central takes releases only");
    }
    String base = artifact + "-" + version;
    List<String> files = new ArrayList<>(List.of(base + ".pom"));
    if (packaging.equals("jar")) {
      files.addAll(List.of(base + ".jar", base + "-sources.jar", base + "-javadoc.jar"));
    }
    for (String f : files) {
      Path p = vdir.resolve(f);
      if (!Files.isRegularFile(p)) {
        problems.add(artifact + ": missing " + f);
        continue;
      }
      checkChecksums(p);
      if (signed) {
        checkSignature(p);
      }
    }
    Path pom = vdir.resolve(base + ".pom");
    if (Files.isRegularFile(pom)) {
      checkPom(pom, artifact, packaging);
    }
    if (packaging.equals("jar")) {
      checkJar(vdir.resolve(base + ".jar"), "module-info.class", artifact);
      checkJarHas(vdir.resolve(base + "-sources.jar"), ".java", artifact + " sources");
      checkJar(vdir.resolve(base + "-javadoc.jar"), "index.html", artifact + " Javadoc");
    }
  }

  private void checkChecksums(Path file) throws Exception {
    byte[] data = Files.readAllBytes(file);
    for (String[] alg : new String[][] {{"MD5", ".md5"}, {"SHA-1", ".sha1"}}) {
      Path sum = file.resolveSibling(file.getFileName() + alg[1]);
      if (!Files.isRegularFile(sum)) {
        problems.add(file.getFileName() + ": no " + alg[1] + " checksum");
        continue;
      }
      String want = HexFormat.of().formatHex(MessageDigest.getInstance(alg[0]).digest(data));
      String got = Files.readString(sum).trim().split("\\s+")[0].toLowerCase();
      if (!want.equals(got)) {
        problems.add(file.getFileName() + ": " + alg[1] + " is " + got + ", the file's is " + want);
      }
    }
  }

  private void checkSignature(Path file) throws Exception {
    Path asc = file.resolveSibling(file.getFileName() + ".asc");
    if (!Files.isRegularFile(asc)) {
      problems.add(file.getFileName() + ": not signed (no .asc)");
      return;
    }
    int rc =
        run(List.of("gpg", "--homedir", keyring.toString(), "--batch", "--quiet", "--verify",
            asc.toString(), file.toString()));
    if (rc != 0) {
      problems.add(file.getFileName() + ": bad signature (gpg --verify exited " + rc + ")");
    }
  }

  private void checkPom(Path pom, String artifact, String packaging) throws Exception {
    Element project = parse(pom);
    String name = pom.getFileName().toString();
    if (!artifact.equals(text(project, "artifactId"))) {
      problems.add(name + ": artifactId is " + text(project, "artifactId"));
    }
    String pack = text(project, "packaging");
    if (!packaging.equals(pack == null ? "jar" : pack)) {
      problems.add(name + ": packaging is " + pack + ", expected " + packaging);
    }
    for (String own : List.of("name", "description")) {
      if (blank(text(project, own))) {
        problems.add(name + ": no <" + own + "> of its own");
      }
    }
    Element parent = child(project, "parent");
    Element inherited = parent == null ? null : stagedParent(parent, name);
    require(name, project, inherited, "url");
    require(name, project, inherited, "licenses", "license", "name");
    require(name, project, inherited, "licenses", "license", "url");
    require(name, project, inherited, "developers", "developer", "name");
    require(name, project, inherited, "scm", "url");
    require(name, project, inherited, "scm", "connection");
    if (project.getTextContent().contains("-SNAPSHOT")) {
      problems.add(name + ": mentions a SNAPSHOT version");
    }
  }

  /** The staged POM of {@code parent}, which Central needs too; null (and a problem) if absent. */
  private Element stagedParent(Element parent, String name) throws Exception {
    String g = text(parent, "groupId");
    String a = text(parent, "artifactId");
    String v = text(parent, "version");
    Path p = repo.resolve(g.replace('.', '/')).resolve(a).resolve(v).resolve(a + "-" + v + ".pom");
    if (!Files.isRegularFile(p)) {
      problems.add(name + ": its parent " + g + ":" + a + ":" + v + " is not staged");
      return null;
    }
    return parse(p);
  }

  private void require(String name, Element pom, Element parent, String... path) {
    if (blank(text(pom, path)) && (parent == null || blank(text(parent, path)))) {
      problems.add(name + ": no <" + String.join("/", path) + "> (own or inherited)");
    }
  }

  private void checkJar(Path jar, String entry, String what) throws IOException {
    if (!Files.isRegularFile(jar)) {
      return;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.getEntry(entry) == null) {
        problems.add(what + ": " + jar.getFileName() + " has no " + entry);
      }
    }
  }

  private void checkJarHas(Path jar, String suffix, String what) throws IOException {
    if (!Files.isRegularFile(jar)) {
      return;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.stream().map(ZipEntry::getName).noneMatch(n -> n.endsWith(suffix))) {
        problems.add(what + ": " + jar.getFileName() + " has no " + suffix + " file");
      }
    }
  }

  private static Element parse(Path pom) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (InputStream in = Files.newInputStream(pom)) {
      Document d = f.newDocumentBuilder().parse(in);
      return d.getDocumentElement();
    }
  }

  private static Element child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static String text(Element e, String... path) {
    Element at = e;
    for (String p : path) {
      at = child(at, p);
      if (at == null) {
        return null;
      }
    }
    return at.getTextContent().trim();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static int run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    if (p.exitValue() != 0) {
      System.err.print(new String(out));
    }
    return p.exitValue();
  }
}

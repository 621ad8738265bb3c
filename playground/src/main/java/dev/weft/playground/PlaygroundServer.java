package dev.weft.playground;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The playground's web server: the page and its assets, and a JSON API over one run per view, on
 * the loopback interface only, with the JDK's own {@code com.sun.net.httpserver}.
 *
 * {@snippet :
 * try (PlaygroundServer server = PlaygroundServer.start(0)) {   // 0: any free port
 *   System.out.println("open " + server.uri());
 *   ...
 * }
 * }
 *
 * <p><b>API.</b> Every answer is JSON; a refused request gets a 4xx status and {@code {"error":
 * "..."}}, and changes nothing. {@code VIEW} is {@code raft}, {@code clocks} or {@code snapshot}.
 *
 * <ul>
 *   <li>{@code GET /api/VIEW/state}: the run as the page draws it.
 *   <li>{@code POST /api/VIEW/reset {"seed": 42}}: a new run from that seed.
 *   <li>{@code POST /api/VIEW/advance {"to": t}} or {@code {"by": dt}}: run every event up to that
 *       virtual time. {@code POST /api/VIEW/step}: run one event.
 *   <li>{@code POST /api/VIEW/action {"type": "crash", "node": "n2"}}: a user's action (the state's
 *       {@code capabilities} lists the types).
 *   <li>{@code GET /api/VIEW/export}: the seed and the actions; {@code POST /api/VIEW/import} with
 *       an export replays it and answers 422 if the replay's fingerprint differs.
 *   <li>{@code GET /api/VIEW/causality?event=b3} (clocks and snapshot): the event's causal past,
 *       future and concurrent events.
 * </ul>
 *
 * <p><b>Threads.</b> Requests are handled one at a time on the server's dispatcher thread, which is
 * the only thread that touches the runs. <b>Safety.</b> The server binds to the loopback address,
 * answers only requests addressed to localhost (against DNS rebinding), and takes POST bodies only
 * as {@code application/json} (so another site's page cannot post to it without a preflight that
 * the server never grants).
 */
public final class PlaygroundServer implements AutoCloseable {
  private static final int MAX_BODY = 1 << 20;
  private static final Pattern API = Pattern.compile("/api/([a-z]+)/([a-z]+)");
  private static final Pattern ASSET = Pattern.compile("/static/([a-z0-9-]+\\.(js|css|svg|png))");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png");

  /** The seed each view starts with, before the page chooses one. */
  public static final long DEFAULT_SEED = 1;

  private final HttpServer server;
  private final Map<String, Lab> labs = new HashMap<>();

  private PlaygroundServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts a server on the loopback interface.
   *
   * @param port the port, or 0 for any free one
   * @return the running server
   * @throws IOException if the port cannot be bound (in use, say)
   * @throws IllegalArgumentException if {@code port} is not in {@code [0, 65535]}
   */
  public static PlaygroundServer start(int port) throws IOException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
    }
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    PlaygroundServer s = new PlaygroundServer(http);
    http.createContext("/", s::handle);
    http.setExecutor(null);
    http.start();
    return s;
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the bound port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Returns the page's address.
   *
   * @return {@code http://127.0.0.1:PORT/} (or the loopback address this machine has)
   */
  public URI uri() {
    String host = server.getAddress().getAddress().getHostAddress();
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
  }

  // ---- dispatch -----------------------------------------------------------------------------

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      try {
        route(x);
      } catch (ApiException e) {
        send(x, e.status(), Map.of("error", e.getMessage()));
      } catch (RuntimeException e) {
        send(x, 500, Map.of("error", "internal error: " + e));
      }
    }
  }

  private void route(HttpExchange x) throws IOException {
    checkHost(x);
    String path = x.getRequestURI().getPath();
    String method = x.getRequestMethod();
    if (path.equals("/") || path.equals("/index.html")) {
      requireMethod(method, "GET");
      asset(x, "index.html");
      return;
    }
    Matcher asset = ASSET.matcher(path);
    if (asset.matches()) {
      requireMethod(method, "GET");
      asset(x, asset.group(1));
      return;
    }
    if (path.equals("/api/views")) {
      requireMethod(method, "GET");
      send(x, 200, Map.of("views", Views.NAMES, "defaultSeed", DEFAULT_SEED));
      return;
    }
    Matcher api = API.matcher(path);
    if (!api.matches()) {
      throw ApiException.notFound("nothing at " + path);
    }
    String view = api.group(1);
    if (!Views.FACTORIES.containsKey(view)) {
      throw ApiException.notFound("no view \"" + view + "\"; the views are " + Views.NAMES);
    }
    String op = api.group(2);
    switch (op) {
      case "state" -> {
        requireMethod(method, "GET");
        send(x, 200, lab(view).state());
      }
      case "export" -> {
        requireMethod(method, "GET");
        x.getResponseHeaders()
            .set("Content-Disposition", "attachment; filename=\"weft-" + view + "-run.json\"");
        send(x, 200, lab(view).export());
      }
      case "causality" -> {
        requireMethod(method, "GET");
        if (!(lab(view) instanceof DiagramLab d)) {
          throw ApiException.notFound("the " + view + " view has no causality query");
        }
        send(x, 200, d.causality(query(x, "event")));
      }
      case "reset", "advance", "step", "action", "import" -> {
        requireMethod(method, "POST");
        JsonObject body = Json.object(body(x));
        send(x, 200, post(view, op, body));
      }
      default -> throw ApiException.notFound("no operation \"" + op + "\" on /api/" + view);
    }
  }

  private Map<String, Object> post(String view, String op, JsonObject body) {
    switch (op) {
      case "reset" -> {
        long seed =
            Json.has(body, "seed") ? Json.integer(body, "seed", 0, Json.MAX_SAFE) : DEFAULT_SEED;
        labs.put(view, Views.start(view, seed));
      }
      case "advance" -> {
        Lab lab = lab(view);
        long to;
        if (Json.has(body, "to")) {
          to = Json.integer(body, "to", 0, Json.MAX_SAFE);
        } else {
          to = lab.viewTime() + Json.integer(body, "by", 0, 1_000_000);
        }
        lab.advanceTo(to);
      }
      case "step" -> lab(view).stepOne();
      case "action" -> lab(view).act(body);
      case "import" -> {
        Export export = Views.parse(body);
        if (!Export.FORMAT.equals(export.format())) {
          throw ApiException.badRequest(
              "not a playground export: format \""
                  + export.format()
                  + "\", expected "
                  + Export.FORMAT);
        }
        if (!view.equals(export.view())) {
          throw ApiException.badRequest(
              "this is an export of the " + export.view() + " view, not of " + view);
        }
        Lab replayed = Views.replay(export);
        if (!replayed.fingerprint().equals(export.fingerprint())) {
          throw new ApiException(
              422,
              "the replay diverged: its fingerprint is "
                  + replayed.fingerprint()
                  + ", the export's "
                  + export.fingerprint()
                  + " (was it made by another version of weft?)");
        }
        labs.put(view, replayed);
      }
      default -> throw new IllegalStateException(op);
    }
    return lab(view).state();
  }

  private Lab lab(String view) {
    return labs.computeIfAbsent(view, v -> Views.start(v, DEFAULT_SEED));
  }

  // ---- HTTP details -------------------------------------------------------------------------

  private void checkHost(HttpExchange x) {
    String host = x.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return;
    }
    String name = host.replaceFirst(":\\d+$", "");
    if (!List.of("localhost", "127.0.0.1", "[::1]").contains(name)) {
      throw new ApiException(403, "this server answers only requests to localhost, not " + host);
    }
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new ApiException(405, method + " is not allowed here; use " + allowed);
    }
  }

  private static String body(HttpExchange x) throws IOException {
    String type = x.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "send the body as application/json, not " + type);
    }
    try (InputStream in = x.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new ApiException(413, "the body is over " + MAX_BODY + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static String query(HttpExchange x, String name) {
    String q = x.getRequestURI().getQuery();
    Map<String, String> params = new LinkedHashMap<>();
    if (q != null) {
      for (String pair : q.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      throw ApiException.badRequest("missing query parameter \"" + name + "\"");
    }
    return v;
  }

  private void asset(HttpExchange x, String name) throws IOException {
    byte[] bytes;
    try (InputStream in = PlaygroundServer.class.getResourceAsStream("web/" + name)) {
      if (in == null) {
        throw ApiException.notFound("no file " + name);
      }
      bytes = in.readAllBytes();
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    x.getResponseHeaders().set("Content-Type", TYPES.get(ext));
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void send(HttpExchange x, int status, Object body) throws IOException {
    byte[] bytes = Json.GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}

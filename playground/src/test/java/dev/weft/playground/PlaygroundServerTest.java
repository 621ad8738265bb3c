package dev.weft.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaygroundServerTest {
  private PlaygroundServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws IOException {
    server = PlaygroundServer.start(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A status and a body. */
  record Answer(int status, String body, String type) {
    JsonObject json() {
      return JsonParser.parseString(body).getAsJsonObject();
    }

    String error() {
      return json().get("error").getAsString();
    }
  }

  private Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET());
  }

  private Answer post(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(server.uri().resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void servesThePageAndItsAssetsFromTheProgramItself() throws Exception {
    Answer page = get("/");
    assertEquals(200, page.status());
    assertTrue(page.type().startsWith("text/html"));
    assertTrue(page.body().contains("<title>weft playground</title>"));
    for (String asset : new String[] {"/static/app.js", "/static/style.css"}) {
      Answer a = get(asset);
      assertEquals(200, a.status(), asset);
      assertTrue(a.body().length() > 1000, asset);
    }
    // nothing in the page refers to another host
    String all = page.body() + get("/static/app.js").body() + get("/static/style.css").body();
    assertTrue(!all.contains("http://") && !all.contains("https://") || onlySvgNamespace(all));
    assertEquals(404, get("/static/nothing.js").status());
    assertEquals(404, get("/static/../PlaygroundServer.class").status());
    assertEquals(404, get("/elsewhere").status());
    assertTrue(server.uri().getHost().startsWith("127.") || server.uri().getHost().contains(":"));
  }

  private static boolean onlySvgNamespace(String text) {
    return text.replace("http://www.w3.org/2000/svg", "").matches("(?s)(?!.*https?://).*");
  }

  @Test
  void runsStepsActsAndAnswersWithTheState() throws Exception {
    JsonObject s = post("/api/raft/reset", "{\"seed\": 4}").json();
    assertEquals(4, s.get("seed").getAsLong());
    assertEquals(0, s.get("time").getAsLong());
    assertEquals(5, s.getAsJsonArray("nodes").size());
    s = post("/api/raft/step", "").json();
    assertEquals(1, s.get("eventsRun").getAsLong());
    s = post("/api/raft/advance", "{\"to\": 600}").json();
    assertEquals(600, s.get("time").getAsLong());
    String leader = s.get("leader").getAsString();
    s = post("/api/raft/action", "{\"type\":\"crash\",\"node\":\"" + leader + "\"}").json();
    assertEquals("DOWN", node(s, leader).get("role").getAsString());
    s = post("/api/raft/advance", "{\"by\": 800}").json();
    assertNotEquals(leader, s.get("leader").getAsString());
    s = post("/api/raft/action", "{\"type\":\"propose\",\"command\":\"x=1\"}").json();
    s = post("/api/raft/advance", "{\"by\": 300}").json();
    assertEquals(
        "x=1", s.getAsJsonArray("committed").get(0).getAsJsonObject().get("command").getAsString());
    JsonObject views = get("/api/views").json();
    assertEquals(3, views.getAsJsonArray("views").size());
    JsonObject c = get("/api/clocks/state").json();
    assertEquals(3, c.getAsJsonArray("processes").size());
  }

  private static JsonObject node(JsonObject state, String id) {
    for (var n : state.getAsJsonArray("nodes")) {
      if (n.getAsJsonObject().get("id").getAsString().equals(id)) {
        return n.getAsJsonObject();
      }
    }
    throw new AssertionError("no node " + id);
  }

  @Test
  void badRequestsGetA4xxWithAMessageAndLeaveTheRunUnharmed() throws Exception {
    post("/api/raft/reset", "{\"seed\": 8}");
    JsonObject before = post("/api/raft/advance", "{\"to\": 120}").json();

    assertBad(
        400,
        "unknown node \"n9\"",
        post("/api/raft/action", "{\"type\":\"crash\",\"node\":\"n9\"}"));
    assertBad(400, "malformed JSON", post("/api/raft/action", "{\"type\": \"crash\""));
    assertBad(400, "expected a JSON object", post("/api/raft/action", "[1, 2]"));
    assertBad(400, "missing field \"type\"", post("/api/raft/action", "{}"));
    assertBad(
        400, "unknown action \"explode\"", post("/api/raft/action", "{\"type\":\"explode\"}"));
    assertBad(400, "must be a string", post("/api/raft/action", "{\"type\":\"crash\",\"node\":5}"));
    assertBad(
        409, "n1 is running", post("/api/raft/action", "{\"type\":\"restart\",\"node\":\"n1\"}"));
    assertBad(400, "\"to\" must be in", post("/api/raft/advance", "{\"to\": -5}"));
    assertBad(400, "is before the current time", post("/api/raft/advance", "{\"to\": 10}"));
    assertBad(
        400, "\"seed\" must be a whole number", post("/api/raft/reset", "{\"seed\": \"abc\"}"));
    assertBad(400, "\"seed\" must be in", post("/api/raft/reset", "{\"seed\": 1e300}"));
    assertBad(404, "no view \"paxos\"", post("/api/paxos/step", ""));
    assertBad(404, "no operation \"fly\"", post("/api/raft/fly", ""));
    assertBad(405, "use POST", get("/api/raft/step"));
    assertBad(405, "use GET", post("/api/raft/state", ""));
    assertBad(404, "no causality query", get("/api/raft/causality?event=a1"));
    assertBad(404, "no event \"q7\"", get("/api/clocks/causality?event=q7"));
    assertBad(400, "missing query parameter", get("/api/clocks/causality"));
    assertBad(400, "not a playground export", post("/api/raft/import", "{\"format\": \"x\"}"));
    assertBad(
        400,
        "this server replays from 0 to",
        post(
            "/api/raft/import",
            "{\"format\": \"weft-playground-run/1\", \"view\": \"raft\", \"seed\": 1,"
                + " \"actions\": [], \"events\": 999999999999, \"time\": 0}"));
    assertBad(
        415,
        "application/json",
        send(
            HttpRequest.newBuilder(server.uri().resolve("/api/raft/step"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))));
    assertBad(403, "only requests to localhost", getWithHost("/api/raft/state", "evil.example"));

    JsonObject after = get("/api/raft/state").json();
    assertEquals(before.get("fingerprint"), after.get("fingerprint"));
    assertEquals(before.get("eventsRun"), after.get("eventsRun"));
    assertEquals(before.get("time"), after.get("time"));
    assertEquals(0, after.get("actions").getAsInt());
    JsonObject later = post("/api/raft/advance", "{\"by\": 500}").json();
    assertTrue(later.get("eventsRun").getAsLong() > after.get("eventsRun").getAsLong());
    assertNull(later.get("stopped"));
  }

  /** Imports an exported run, saved in {@code file}, into a fresh server; returns the state. */
  static JsonObject replayInANewServer(Path file, String view)
      throws IOException, InterruptedException {
    try (PlaygroundServer other = PlaygroundServer.start(0)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(other.uri().resolve("/api/" + view + "/import"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofFile(file))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return JsonParser.parseString(r.body()).getAsJsonObject();
    }
  }

  /** A GET naming another host, as a page served from elsewhere by DNS rebinding would. */
  private Answer getWithHost(String path, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      String type = response.replaceAll("(?is).*\r\ncontent-type: ([^\r]*)\r\n.*", "$1");
      return new Answer(status, response.substring(response.indexOf("\r\n\r\n") + 4), type);
    }
  }

  private static void assertBad(int status, String message, Answer a) {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.type().startsWith("application/json"), a.type());
    assertTrue(a.error().contains(message), "\"" + a.error() + "\" should contain: " + message);
  }

  @Test
  void anExportedRunSavedToAFileReplaysInANewServer(@TempDir Path dir) throws Exception {
    for (String view : Views.NAMES) {
      post("/api/" + view + "/reset", "{\"seed\": \"12\"}");
      post("/api/" + view + "/advance", "{\"to\": 250}");
      String action =
          switch (view) {
            case "raft" -> "{\"type\":\"crash\",\"node\":\"n2\"}";
            case "clocks" -> "{\"type\":\"send\",\"from\":\"B\",\"to\":\"A\"}";
            default -> "{\"type\":\"snapshot\",\"process\":\"C\"}";
          };
      assertEquals(200, post("/api/" + view + "/action", action).status());
      post("/api/" + view + "/step", "");
      JsonObject original = post("/api/" + view + "/advance", "{\"by\": 700}").json();
      Answer export = get("/api/" + view + "/export");
      assertEquals(200, export.status());
      Path file = dir.resolve(view + ".json");
      Files.writeString(file, export.body());

      JsonObject replayed = replayInANewServer(file, view);
      assertEquals(original.get("fingerprint"), replayed.get("fingerprint"), view);
      assertEquals(original.get("time"), replayed.get("time"), view);
      assertEquals(original.get("eventsRun"), replayed.get("eventsRun"), view);
      // A tampered export is refused, and says why.
      JsonObject tampered = JsonParser.parseString(export.body()).getAsJsonObject();
      tampered.addProperty("fingerprint", "0000000000000000");
      assertBad(422, "the replay diverged", post("/api/" + view + "/import", tampered.toString()));
      String otherView = view.equals("raft") ? "clocks" : "raft";
      assertBad(400, "not of " + otherView, post("/api/" + otherView + "/import", export.body()));
    }
  }
}

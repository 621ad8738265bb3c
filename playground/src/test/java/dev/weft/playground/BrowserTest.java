package dev.weft.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The page in a real browser: Debian's headless Chromium, driven through its chromedriver by
 * Selenium, clicks through a crash, a restart, a partition made by dragging, a heal and a proposal,
 * and checks what the page shows; then the Clocks and Snapshot views. Screenshots at 1280x800 go to
 * {@code target/screenshots/}.
 *
 * <p>Skipped, saying how to install a browser, where none is found. {@code -Dweft.chromium=PATH}
 * and {@code -Dweft.chromedriver=PATH} name other binaries.
 */
class BrowserTest {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static PlaygroundServer server;
  private static WebDriver driver;
  private static Path profile;
  private static Path downloads;

  @BeforeAll
  static void start() throws IOException {
    Optional<Path> chromium =
        find(
            "weft.chromium",
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    Optional<Path> chromedriver =
        find("weft.chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    Assumptions.assumeTrue(
        chromium.isPresent() && chromedriver.isPresent(),
        "no Chromium and chromedriver found, so the browser test is skipped: install them with"
            + " `sudo apt-get install -y chromium chromium-driver` (Debian, Ubuntu), or name them"
            + " with -Dweft.chromium=PATH -Dweft.chromedriver=PATH");
    server = PlaygroundServer.start(0);
    profile = Files.createTempDirectory("weft-chromium-profile");
    downloads = Files.createTempDirectory("weft-chromium-downloads");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=1280,800",
        "--user-data-dir=" + profile);
    Map<String, Object> prefs = new HashMap<>();
    prefs.put("download.default_directory", downloads.toString());
    prefs.put("download.prompt_for_download", false);
    options.setExperimentalOption("prefs", prefs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.get().toFile())
            .usingAnyFreePort()
            .build();
    java.util.logging.Logger.getLogger("org.openqa.selenium")
        .setLevel(java.util.logging.Level.SEVERE);
    driver = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    for (Path dir : new Path[] {profile, downloads}) {
      if (dir != null) {
        try (var walk = Files.walk(dir)) {
          walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
      }
    }
  }

  private static Optional<Path> find(String property, String... candidates) {
    String named = System.getProperty(property);
    if (named != null) {
      return Optional.of(Path.of(named)).filter(Files::isExecutable);
    }
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c))) {
        return Optional.of(Path.of(c));
      }
    }
    return Optional.empty();
  }

  @Test
  @Timeout(150)
  void raftClocksAndSnapshotThroughThePage() throws Exception {
    long start = System.nanoTime();
    driver.get(server.uri() + "#raft");
    awaitTrue("the page", () -> !text("#leader").isEmpty());
    // The page itself gets 1280x800, whatever the browser's own frame takes.
    List<?> frame =
        (List<?>)
            js(
                "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]");
    driver
        .manage()
        .window()
        .setSize(
            new Dimension(
                1280 + ((Number) frame.get(0)).intValue(),
                800 + ((Number) frame.get(1)).intValue()));
    assertEquals(1280, ((Number) js("return window.innerWidth")).intValue());
    assertEquals(800, ((Number) js("return window.innerHeight")).intValue());

    // Play: an election.
    long pressed = System.nanoTime();
    el("#play").click();
    String first = await("a leader", () -> nonEmpty(leader()));
    System.out.printf(
        "BrowserTest: leader %s shown %d ms after pressing play%n",
        first, (System.nanoTime() - pressed) / 1_000_000);

    // Crash it: another is elected. Restart it.
    el("button[data-action=crash][data-node=" + first + "]").click();
    String second = await("a new leader", () -> nonEmpty(leader()).filter(l -> !l.equals(first)));
    assertEquals("down", text("#node-" + first + " .role"));
    el("button[data-action=restart][data-node=" + first + "]").click();
    awaitTrue("the restart", () -> !text("#node-" + first + " .role").equals("down"));

    // Partition by dragging the leader into the second group: the four others elect a third.
    WebElement chip = el("#zone-0 .chip[data-node=" + second + "]");
    new Actions(driver)
        .clickAndHold(chip)
        .moveByOffset(5, 5)
        .moveToElement(el("#zone-1"))
        .release()
        .perform();
    awaitTrue("the partition", () -> !els("#zone-1 .chip[data-node=" + second + "]").isEmpty());
    String third =
        await("a leader in the majority", () -> nonEmpty(leader()).filter(l -> !l.equals(second)));
    assertNotEquals(second, third);

    // Heal, and propose: the entry is committed everywhere.
    el("#heal").click();
    awaitTrue("the heal", () -> els("#zone-1 .chip").isEmpty());
    awaitTrue(
        "every node following one leader",
        () ->
            (Boolean)
                js(
                    "const roles = [...document.querySelectorAll('#nodes .role')]"
                        + ".map(r => r.textContent);"
                        + "return roles.filter(r => r === 'leader').length === 1"
                        + " && roles.every(r => r === 'leader' || r === 'follower');"));
    WebElement command = el("#command");
    command.clear();
    command.sendKeys("x=42");
    el("#propose").click();
    awaitTrue("the committed entry", () -> !els("#committed li[data-command='x=42']").isEmpty());
    awaitTrue(
        "x=42 committed in every node's log",
        () ->
            (Boolean)
                js(
                    "return [...document.querySelectorAll('#nodes tbody tr')].every(r =>"
                        + " [...r.querySelectorAll('.entry.committed')]"
                        + ".some(e => e.textContent === 'x=42'))"));

    // Hand leadership to a follower with its row's Lead button: it leads without an election
    // timeout's wait, and the group still commits.
    String fourth = RaftLab.IDS.stream().filter(id -> !id.equals(third)).findFirst().orElseThrow();
    assertEquals(
        "n1 n2 n3 n4 n5", js("return document.querySelector('#membership').dataset.voters"));
    el("button[data-action=transfer][data-node=" + fourth + "]").click();
    await("the transfer", () -> nonEmpty(leader()).filter(fourth::equals));
    awaitTrue(
        "the transfer in the story",
        () -> text("#story").contains(third + " hands leadership to " + fourth));
    command.clear();
    command.sendKeys("y=7");
    el("#propose").click();
    awaitTrue(
        "the entry after the transfer", () -> !els("#committed li[data-command='y=7']").isEmpty());
    assertTrue(text("#safety").contains("Election safety"));
    assertTrue(els("#safety li.broken").isEmpty());
    el("#play").click(); // pause for a still screenshot
    shot("raft");
    lap(start, "Raft");

    // The run's export, downloaded by the page, replays to the same run.
    el("#export").click();
    Path file = await("the download", () -> downloaded("weft-raft-seed1.json"));
    JsonObject shown = state("raft");
    JsonObject replayed = PlaygroundServerTest.replayInANewServer(file, "raft");
    assertEquals(shown.get("fingerprint"), replayed.get("fingerprint"));

    // Clocks: run to the end quickly, then click a receive event.
    el("#tabs [data-view=clocks]").click();
    faster(3);
    el("#play").click();
    awaitTrue("the end of the clocks run", () -> state("clocks").get("pending").getAsInt() == 0);
    List<WebElement> receives = els("#view-clocks g.ev.receive");
    String receive = receives.get(receives.size() / 2).getAttribute("data-event");
    new Actions(driver)
        .moveToElement(el("#view-clocks g.ev[data-event=" + receive + "] circle"))
        .click()
        .perform();
    awaitTrue(
        "the causal highlight",
        () -> receive.equals(el("#view-clocks .selected-text").getAttribute("data-event")));
    assertTrue(!els("#view-clocks g.ev.past").isEmpty(), "a causal past is highlighted");
    assertTrue(!els("#view-clocks g.ev.concurrent").isEmpty(), "concurrent events are highlighted");
    shot("clocks");
    lap(start, "Clocks");

    // Snapshot: take one from B while it runs, and let it complete.
    el("#tabs [data-view=snapshot]").click();
    faster(2);
    el("#play").click();
    awaitTrue("some activity", () -> state("snapshot").get("time").getAsLong() > 450);
    el("#view-snapshot select[data-field=process] option:nth-child(2)").click(); // B
    el("#view-snapshot button[data-action=snapshot]").click();
    awaitTrue(
        "the snapshot's verdict",
        () -> els("#view-snapshot .card[data-snapshot='1'] li.ok").size() == 3);
    awaitTrue(
        "the end of the snapshot run", () -> state("snapshot").get("pending").getAsInt() == 0);
    assertTrue(!els("#view-snapshot polyline.cut").isEmpty(), "the cut is drawn");
    assertTrue(!els("#view-snapshot line.marker").isEmpty(), "markers are drawn");
    shot("snapshot");
    lap(start, "Snapshot");
  }

  private static void lap(long start, String what) {
    System.out.printf(
        "BrowserTest: %s done %d ms after loading the page%n",
        what, (System.nanoTime() - start) / 1_000_000);
  }

  /** The leader the page shows, read in one step (the drawing is replaced at every frame). */
  private static String leader() {
    return (String)
        js("const e = document.querySelector('#leader'); return e ? e.dataset.leader : ''");
  }

  /** An element's text, read in one step. */
  private static String text(String css) {
    return (String)
        ((JavascriptExecutor) driver)
            .executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''",
                css);
  }

  private static Optional<Path> downloaded(String name) {
    Path p = downloads.resolve(name);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  private static JsonObject state(String view) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.uri().resolve("/api/" + view + "/state")).build(),
                  HttpResponse.BodyHandlers.ofString());
      return JsonParser.parseString(r.body()).getAsJsonObject();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves the speed slider {@code steps} notches to the right. */
  private static void faster(int steps) {
    WebElement slider = el("#speed");
    for (int i = 0; i < steps; i++) {
      slider.sendKeys(Keys.ARROW_RIGHT);
    }
  }

  private static void shot(String name) throws IOException {
    byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), png);
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  private static WebElement el(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  private static List<WebElement> els(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static void awaitTrue(String what, Supplier<Boolean> condition) throws Exception {
    await(what, () -> condition.get() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  private static <T> T await(String what, Supplier<?> probe) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        Object v = probe.get();
        if (v instanceof Optional<?> o && o.isPresent()) {
          @SuppressWarnings("unchecked")
          T t = (T) o.get();
          return t;
        }
        if (v != null && !(v instanceof Optional<?>)) {
          @SuppressWarnings("unchecked")
          T t = (T) v;
          return t;
        }
      } catch (org.openqa.selenium.StaleElementReferenceException
          | org.openqa.selenium.NoSuchElementException e) {
        last = e; // the page redrew between finding and reading: look again
      }
      Thread.sleep(50);
    }
    shot("failed-" + what.replaceAll("[^a-z]+", "-"));
    throw new AssertionError(
        "the page never showed " + what + " within " + WAIT + (last == null ? "" : ": " + last));
  }
}

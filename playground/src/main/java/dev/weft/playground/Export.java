package dev.weft.playground;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * A run as the page exports it: the view, the seed, every action with the point of the run it was
 * taken at, where the run ended, and the fingerprint of its trace. Replaying it ({@link
 * Views#replay}) builds the same run event for event; the fingerprint tells whether it did.
 *
 * @param format always {@value #FORMAT}
 * @param view the view's name
 * @param seed the simulation's seed
 * @param actions what the user did, in order
 * @param events how many events the run had run at the end
 * @param time the virtual time the page had reached at the end
 * @param fingerprint the simulation's trace fingerprint at the end, in hexadecimal
 * @param violation the safety violation that stopped the run, or null
 */
record Export(
    String format,
    String view,
    long seed,
    List<Action> actions,
    long events,
    long time,
    String fingerprint,
    String violation) {
  static final String FORMAT = "weft-playground-run/1";

  /**
   * One action of the user's.
   *
   * @param at how many events had run when it was taken
   * @param time the virtual time the page showed then
   * @param action the request as the page sent it
   */
  record Action(long at, long time, JsonObject action) {}
}

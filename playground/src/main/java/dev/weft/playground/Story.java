package dev.weft.playground;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last lines of what happened in a run, for the page's log: role changes, faults, commits. */
final class Story {
  /** One line at a virtual time. */
  record Line(long time, String text) {}

  private final int capacity;
  private final ArrayDeque<Line> lines = new ArrayDeque<>();

  Story(int capacity) {
    this.capacity = capacity;
  }

  void add(long time, String text) {
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(new Line(time, text));
  }

  List<Line> lines() {
    return new ArrayList<>(lines);
  }
}

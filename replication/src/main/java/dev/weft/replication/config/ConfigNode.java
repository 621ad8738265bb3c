package dev.weft.replication.config;

import dev.weft.raft.LogEntry;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftNode;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Ready;
import dev.weft.replication.Node;
import dev.weft.replication.Outbound;
import dev.weft.replication.Outbox;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One member of the configuration service: a {@link RaftNode} whose log holds {@link Register}
 * commands, and the bookkeeping that answers clients, as a deterministic {@link Node}.
 *
 * {@snippet :
 * MemoryStorage storage = new MemoryStorage();   // keep it: a restart recovers from it
 * ConfigNode node = new ConfigNode(
 *     new RaftConfig("cfg1", List.of("cfg1", "cfg2", "cfg3"), 10, 1, seed), storage);
 * node.receive(from, message);                   // RaftMessages and ConfigMessages
 * node.tick();                                   // every tick interval
 * for (Outbound out : node.drainOutbox()) { network.send(node.id(), out.to(), out.message()); }
 * }
 *
 * <p><b>Requests.</b> On the leader, a {@link ConfigMessage.Request} is proposed; the {@link
 * ConfigMessage.Reply} is sent once the entry is applied, if the entry at that index is still the
 * one proposed (else the client's retry will find its way). A member that does not lead answers
 * {@link ConfigMessage.NotLeader} with the leader it knows. Every request, gets included, goes
 * through the log, so the register is linearizable. {@link ConfigMessage.Watch}es are answered by
 * any member from what it has applied (committed, perhaps not the latest).
 *
 * <p><b>Order of effects</b> (the rule of {@link Ready}): each Ready's entries and hard state are
 * written to the storage before its messages enter the outbox.
 *
 * <p><b>Restarts.</b> A member restarted on the storage it had rebuilds its register from the log
 * (the Raft node emits the committed entries again). Its client bookkeeping is volatile: requests
 * in flight when it crashed are answered by nobody, and their clients retry.
 *
 * <p>Not thread-safe; see {@link Node} for who calls it.
 */
public final class ConfigNode implements Node {
  private record Pending(long term, String replyTo) {}

  private final String id;
  private final RaftNode raft;
  private final MutableStorage storage;
  private final Register register = new Register();
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<String, Long> watches = new LinkedHashMap<>();
  private final Outbox outbox = new Outbox();
  private long applied;
  private boolean localGets; // a planted bug, for tests of the tests

  /**
   * Starts a member: a new one on an empty storage, or one recovering from the storage it had.
   *
   * @param config its Raft configuration (id, the group's voters, election and heartbeat ticks)
   * @param storage its durable log and hard state
   * @throws NullPointerException if an argument is null
   */
  public ConfigNode(RaftConfig config, MutableStorage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.id = config.id();
    this.raft = RaftNode.start(config, storage);
    process();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public void tick() {
    raft.tick();
    process();
  }

  @Override
  public void receive(String from, Object message) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
    if (message instanceof RaftMessage m) {
      if (id.equals(m.to())) {
        raft.step(m);
      }
    } else if (message instanceof ConfigMessage c) {
      switch (c) {
        case ConfigMessage.Request r -> propose(from, r);
        case ConfigMessage.Watch w -> watch(from, w.after());
        case ConfigMessage.Reply r -> {} // for clients, not members
        case ConfigMessage.NotLeader n -> {}
        case ConfigMessage.Changed ch -> {}
      }
    }
    process();
  }

  private void propose(String from, ConfigMessage.Request r) {
    if (localGets && !r.testAndSet()) {
      outbox.send(from, new ConfigMessage.Reply(r.client(), r.seq(), true, register.current()));
      return;
    }
    long index;
    try {
      index = raft.propose(Register.encode(r));
    } catch (NotLeaderException e) {
      outbox.send(from, new ConfigMessage.NotLeader(r.client(), r.seq(), e.leader()));
      return;
    }
    pending.put(index, new Pending(raft.status().term(), from));
  }

  private void watch(String from, long after) {
    if (register.current().version() > after) {
      outbox.send(from, new ConfigMessage.Changed(register.current()));
    } else {
      watches.put(from, after);
    }
  }

  /** Persists, sends and applies every Ready the node has, in the order {@link Ready} requires. */
  private void process() {
    while (raft.hasReady()) {
      Ready ready = raft.ready();
      storage.append(ready.entries());
      if (ready.hardState() != null) {
        storage.setHardState(ready.hardState());
      }
      for (RaftMessage m : ready.messages()) {
        outbox.send(m.to(), m);
      }
      for (LogEntry e : ready.committedEntries()) {
        apply(e);
      }
      raft.advance(ready);
    }
    if (!watches.isEmpty()) {
      long version = register.current().version();
      for (Iterator<Map.Entry<String, Long>> it = watches.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Long> w = it.next();
        if (version > w.getValue()) {
          outbox.send(w.getKey(), new ConfigMessage.Changed(register.current()));
          it.remove();
        }
      }
    }
  }

  private void apply(LogEntry e) {
    applied = e.index();
    Pending p = pending.remove(e.index());
    if (e.isEmpty()) {
      return; // a leader's no-op: a proposal that was pending at this index was dropped
    }
    byte[] result = register.apply(e.index(), e.data());
    if (p != null && p.term() == e.term() && result != null) {
      outbox.send(p.replyTo(), Register.decodeReply(result));
    }
  }

  @Override
  public List<Outbound> drainOutbox() {
    return outbox.drain();
  }

  /**
   * The register as this member has applied it (committed; a member that lags may be behind).
   *
   * @return its contents
   */
  public Versioned current() {
    return register.current();
  }

  /**
   * The index of the last entry this member applied.
   *
   * @return the index, 0 before any
   */
  public long applied() {
    return applied;
  }

  /**
   * The Raft node's status.
   *
   * @return id, term, role, leader, commit and last index
   */
  public RaftStatus status() {
    return raft.status();
  }

  /**
   * Plants a bug: gets are answered from this member's register, without the log, so a member that
   * lags answers stale reads.
   *
   * @param on whether the bug is planted
   */
  void plantLocalGets(boolean on) {
    this.localGets = on;
  }

  @Override
  public String toString() {
    return "ConfigNode[" + raft.status() + ", " + register.current() + "]";
  }
}

package dev.weft.raft;

/**
 * A node's view of itself at one moment, from {@link RaftNode#status()}.
 *
 * @param id the node's id
 * @param term its current term
 * @param role its role in that term
 * @param leader the leader it knows of in that term (itself if it leads), or {@code null}
 * @param commitIndex the highest index it knows to be committed
 * @param lastIndex the index of the last entry in its log, persisted or not
 */
public record RaftStatus(
    String id, long term, Role role, String leader, long commitIndex, long lastIndex) {}

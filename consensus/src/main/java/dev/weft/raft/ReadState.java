package dev.weft.raft;

/**
 * A read request that the core has confirmed (thesis §6.4): once the application has applied {@code
 * index}, a read of its state machine reflects every write completed before {@link
 * RaftNode#readIndex(long)} was called with {@code id}. Taken with {@link RaftNode#readStates()}.
 *
 * @param id the number the application gave the request
 * @param index the read index: the leader's commit index, confirmed by a quorum after the request
 */
public record ReadState(long id, long index) {}

/**
 * weft consensus: the Raft consensus algorithm as a deterministic, single-threaded core.
 *
 * <p>Exports {@link dev.weft.raft}. The {@code dev.weft.raft.internal.*} packages (quorum
 * arithmetic, progress tracking, log bookkeeping) are not API. The module needs nothing beyond
 * {@code java.base}.
 */
module dev.weft.consensus {
  exports dev.weft.raft;
}

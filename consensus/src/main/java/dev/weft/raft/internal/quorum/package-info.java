/** Quorum arithmetic: majorities, committed indexes and vote outcomes. Not API. */
package dev.weft.raft.internal.quorum;

/**
 * Log bookkeeping: entries not yet durable ({@code Unstable}) in front of a {@code RaftStorage},
 * and the commit and apply cursors ({@code RaftLog}). Not API.
 */
package dev.weft.raft.internal.log;

/**
 * The leader's view of each follower: what it holds ({@code match}), what to send next ({@code
 * next}), whether it is being probed or streamed to, and what is in flight to it. Not API.
 */
package dev.weft.raft.internal.tracker;

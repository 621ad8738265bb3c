/**
 * JDK Flight Recorder events of the Raft engine and its storage (ADR 0060). Not API: the event
 * names ({@code dev.weft.Raft...}, {@code dev.weft.Storage...}) and their fields are what users
 * rely on, and the README lists them. Every event has stack traces off by default; none has a
 * threshold, since each is at most one per batch of work.
 */
package dev.weft.raft.internal.jfr;

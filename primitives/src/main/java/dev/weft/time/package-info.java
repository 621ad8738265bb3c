/**
 * Go-style time channels: {@link dev.weft.time.Ticker} and {@link dev.weft.time.Timers}, sharing
 * one scheduler thread, with Go 1.23's guarantee that no stale value is received after a stop or
 * reset.
 */
package dev.weft.time;

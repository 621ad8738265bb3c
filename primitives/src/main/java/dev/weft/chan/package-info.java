/**
 * Go-style channels: {@link dev.weft.chan.Channel} (unbuffered, buffered or unlimited) and {@link
 * dev.weft.chan.Select}.
 *
 * <p>Semantics follow Go wherever Java allows: a send on an unbuffered channel waits for a
 * receiver; {@code close} lets receivers drain what is buffered; a select completes exactly one
 * ready clause, chosen uniformly at random. Where Go panics (send on a closed channel, closing
 * twice), weft throws {@link dev.weft.chan.ChannelClosedException}. Blocking calls throw {@link
 * java.lang.InterruptedException} when interrupted and then have had no effect.
 *
 * <p>The implementation follows Go's runtime: a per-channel lock, a ring buffer and queues of
 * waiting senders and receivers, with direct hand-off between them; {@code ChanImpl} and {@code
 * SelectRun} describe it and its memory-ordering argument.
 */
package dev.weft.chan;

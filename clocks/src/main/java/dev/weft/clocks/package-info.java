/**
 * Logical and hybrid clocks for ordering events in a distributed system.
 *
 * <ul>
 *   <li>{@link dev.weft.clocks.LamportClock} and {@link dev.weft.clocks.LamportTimestamp}:
 *       Lamport's scalar clock (Lamport, "Time, Clocks, and the Ordering of Events in a Distributed
 *       System", CACM 1978). If event <i>e</i> happened before <i>f</i>, then {@code time(e) <
 *       time(f)}; the converse does not hold.
 *   <li>{@link dev.weft.clocks.VectorClock} and {@link dev.weft.clocks.Causality}: vector clocks
 *       (Fidge 1988; Mattern 1989), which characterise causality exactly: <i>e</i> happened before
 *       <i>f</i> if and only if {@code vc(e).happenedBefore(vc(f))}.
 *   <li>{@link dev.weft.clocks.HybridLogicalClock} and {@link dev.weft.clocks.HybridTimestamp}:
 *       hybrid logical clocks (Kulkarni, Demirbas, Madappa, Avva and Leone, "Logical Physical
 *       Clocks", OPODIS 2014): Lamport's guarantee in a timestamp that stays within a bounded
 *       distance of physical time and fits in one {@code long}.
 *   <li>{@link dev.weft.clocks.ClockSample} and {@link dev.weft.clocks.ClockSync}: the arithmetic
 *       of clock synchronisation: offset and round-trip delay from NTP's four timestamps, choosing
 *       the best of several samples, and checking that two clocks stay within δ of each other.
 * </ul>
 *
 * <h2>Wire encoding</h2>
 *
 * <p>{@link dev.weft.clocks.LamportTimestamp}, {@link dev.weft.clocks.HybridTimestamp} and {@link
 * dev.weft.clocks.VectorClock} have a compact binary form ({@code toBytes()}, {@code fromBytes},
 * {@code writeTo(ByteBuffer)}, {@code readFrom(ByteBuffer)}). Every encoding starts with one header
 * byte: the format version in the high four bits (now {@code 1}) and the kind of value in the low
 * four bits ({@code 1} Lamport timestamp, {@code 2} hybrid timestamp, {@code 3} vector clock).
 * Integers are unsigned LEB128 varints (7 bits a byte, least significant group first, at most 9
 * bytes, no redundant trailing zero groups); strings are a varint byte length followed by UTF-8.
 *
 * <pre>
 * LamportTimestamp  0x11  varint(time)  varint(len) utf8(process)
 * HybridTimestamp   0x12  pack() as 8 bytes, big-endian
 * VectorClock       0x13  varint(n)  n × [ varint(len) utf8(process)  varint(counter) ]
 *                         (processes in ascending {@link java.lang.String#compareTo} order,
 *                          counters at least 1; zero entries are not written)
 * </pre>
 *
 * <p>The encoding is canonical: two values are equal exactly when their encodings are equal, so
 * encodings may be hashed or compared as bytes. Decoding is strict: a wrong version or kind, a
 * truncated value, bytes left over after the value (from {@code fromBytes}), a non-minimal varint,
 * malformed UTF-8, a process id longer than 1024 UTF-8 bytes, or a vector whose processes are not
 * strictly ascending or whose counters are zero is rejected with a {@link
 * dev.weft.clocks.ClockDecodingException} that says what was wrong and at which byte. A decoder
 * allocates in proportion to the bytes it has actually been given: a length or count that claims
 * more than the remaining input can hold is rejected before anything is allocated for it.
 *
 * <h2>Threads</h2>
 *
 * <p>{@link dev.weft.clocks.LamportClock} and {@link dev.weft.clocks.HybridLogicalClock} are
 * thread-safe and lock-free: their state is one {@code long} updated by compare-and-set, so every
 * call is linearizable and no two calls on one clock return the same time. Timestamps and vector
 * clocks are immutable values.
 */
package dev.weft.clocks;

/**
 * The wire form of Raft messages and of the driver's envelopes, for transports between processes (a
 * gRPC or TCP transport encodes each {@link dev.weft.raft.server.Envelope} with {@link
 * dev.weft.raft.wire.EnvelopeCodec} and frames the bytes its own way).
 *
 * <h2>Format, version 2</h2>
 *
 * <p>Every encoding starts with the version byte ({@code 2}), a kind byte, and the sender's and
 * addressee's ids. A <i>varint</i> is an unsigned LEB128 integer (7 bits per byte, low bits first,
 * at most 10 bytes); a <i>long</i> is a zigzag-encoded varint ({@code (v << 1) ^ (v >> 63)}); a
 * <i>bool</i> is one byte, 0 or 1; <i>bytes</i> are a varint length and that many bytes; an
 * <i>id</i> is bytes holding UTF-8. Nothing may follow the last field.
 *
 * <table class="striped">
 *   <caption>Kinds and their fields, after version, kind, from and to</caption>
 *   <thead><tr><th>kind</th><th>what</th><th>fields</th></tr></thead>
 *   <tbody>
 *   <tr><td>1</td><td>AppendEntries</td><td>term, prevLogIndex, prevLogTerm, leaderCommit (longs);
 *       a varint count of entries, each: index, term (longs), kind (a byte: 0 command, 1
 *       membership), data (bytes)</td></tr>
 *   <tr><td>2</td><td>AppendEntriesResponse</td><td>term (long), success (bool), index,
 *       hintIndex, hintTerm (longs)</td></tr>
 *   <tr><td>3</td><td>Heartbeat</td><td>term, commit, context (longs)</td></tr>
 *   <tr><td>4</td><td>HeartbeatResponse</td><td>term, context (longs)</td></tr>
 *   <tr><td>5</td><td>RequestVote</td><td>term, lastLogIndex, lastLogTerm (longs), preVote,
 *       transfer (bools)</td></tr>
 *   <tr><td>6</td><td>RequestVoteResponse</td><td>term (long), granted, preVote (bools)</td></tr>
 *   <tr><td>7</td><td>TimeoutNow</td><td>term (long)</td></tr>
 *   <tr><td>8</td><td>ReadIndex</td><td>term, id (longs)</td></tr>
 *   <tr><td>9</td><td>ReadIndexResponse</td><td>term, id, index (longs)</td></tr>
 *   <tr><td>12</td><td>InstallSnapshot</td><td>term, snapshot index, snapshot term (longs),
 *       configuration (bytes), offset (long), data (bytes), done (bool), checksum (a long holding
 *       the CRC32C of data as a signed 32-bit value)</td></tr>
 *   <tr><td>13</td><td>InstallSnapshotResponse</td><td>term, index, offset (longs), accepted
 *       (bool)</td></tr>
 *   <tr><td>16</td><td>Forward</td><td>incarnation, id (longs), command (bytes)</td></tr>
 *   <tr><td>17</td><td>ForwardReply</td><td>incarnation, id (longs); failure (a byte: 0 none,
 *       then 1 + the ordinal of {@link dev.weft.raft.server.Envelope.Failure}); a bool and, if
 *       1, the result (bytes); a bool and, if 1, the leader (id); index, term (longs)</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Version 1 was the same without the contexts, the transfer flag and kinds 7 to 9; it is still
 * decoded (contexts 0, transfer false). A later version will get a new version byte; a decoder
 * refuses versions it does not know.
 */
package dev.weft.raft.wire;

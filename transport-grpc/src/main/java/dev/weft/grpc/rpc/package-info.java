/**
 * At-most-once RPC on gRPC: {@link dev.weft.grpc.rpc.AtMostOnceClient} numbers calls, {@link
 * dev.weft.grpc.rpc.AtMostOnceServer} runs each handler at most once and answers copies from a
 * bounded reply cache, and {@link dev.weft.grpc.rpc.DefaultDeadline} gives unary calls a deadline.
 *
 * <table class="striped">
 *   <caption>At-most-once here, exactly-once in the key-value example</caption>
 *   <thead><tr><th></th><th>at-most-once RPC (this package)</th><th>exactly-once (replicated
 *       client sessions)</th></tr></thead>
 *   <tbody>
 *   <tr><td>promise</td><td>a handler runs once or not at all, whatever the retries</td><td>a
 *       command takes effect exactly once, if the client keeps retrying until it is answered</td></tr>
 *   <tr><td>where the deduplication lives</td><td>one server's memory</td><td>the replicated
 *       state machine: every replica, in the log</td></tr>
 *   <tr><td>server crash or restart</td><td>the cache is lost; older requests are refused, so
 *       the outcome of one in doubt stays unknown</td><td>survives: the sessions are rebuilt from
 *       the log</td></tr>
 *   <tr><td>failover to another server</td><td>not covered: another server has another
 *       cache</td><td>covered: any replica knows the session</td></tr>
 *   <tr><td>client sees</td><td>the first reply, or a clear refusal (late duplicate, forgotten
 *       session, outcome lost)</td><td>the reply of the one execution</td></tr>
 *   <tr><td>memory</td><td>replies not acknowledged; sessions forgotten after silence, made safe
 *       by client clocks</td><td>one entry per client (last number and reply); expiry must be
 *       decided in the log, deterministically</td></tr>
 *   <tr><td>cost</td><td>a map lookup per call</td><td>a consensus round per command, reads
 *       included</td></tr>
 *   </tbody>
 * </table>
 */
package dev.weft.grpc.rpc;

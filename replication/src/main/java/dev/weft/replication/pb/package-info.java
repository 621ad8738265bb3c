/**
 * Primary-backup replication, made safe with a fault-tolerant configuration service: views numbered
 * by the service, a primary that answers only once its backup has applied the operation, backups
 * that refuse every view but their current one, state transfer to a new backup, and only a server
 * holding the state of view n may make itself the primary of view n + 1.
 *
 * <p>{@link dev.weft.replication.pb.PbServer} is a server's deterministic core; {@link
 * dev.weft.replication.pb.PbCluster} runs a service in real time. Clients use {@link
 * dev.weft.replication.kv.KvClientNode} with {@link
 * dev.weft.replication.kv.KvClientNode.Routing#PRIMARY}.
 */
package dev.weft.replication.pb;

/**
 * weft across machines, on grpc-java: a Raft {@link dev.weft.raft.server.Transport} with one
 * flow-controlled stream per peer ({@link dev.weft.grpc.GrpcTransport}), TLS and mutual TLS from
 * PEM files ({@link dev.weft.grpc.Security}), and at-most-once RPC for any gRPC service ({@link
 * dev.weft.grpc.rpc}).
 *
 * <p>gRPC and protobuf have no module descriptors of their own; they are automatic modules named by
 * their manifests ({@code io.grpc}, {@code io.grpc.stub}, {@code io.grpc.protobuf}, {@code
 * io.grpc.netty.shaded}, {@code com.google.protobuf}). The wire form's generated classes live in
 * {@code dev.weft.grpc.internal.proto}, which is not exported. The module also requires Guava's
 * {@code com.google.common.util.concurrent.internal} (failureaccess), which gRPC needs at run time
 * and which the module system would otherwise leave out.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.weft.grpc {
  requires transitive dev.weft.consensus;
  requires transitive io.grpc;
  requires io.grpc.stub;
  requires io.grpc.protobuf;
  requires io.grpc.netty.shaded;
  requires com.google.protobuf;
  // Guava (through grpc-api) is an automatic module, but its failureaccess jar is an explicit
  // module, which no automatic module can pull into the graph; named here so that an application
  // on the module path needs no --add-modules.
  requires com.google.common.util.concurrent.internal;

  exports dev.weft.grpc;
  exports dev.weft.grpc.rpc;
}

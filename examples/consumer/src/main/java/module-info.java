/** A program that uses weft as a user would, from the published jars. */
module com.example.consumer {
  requires dev.weft.primitives;
  requires dev.weft.clocks;
  requires dev.weft.consensus;
}

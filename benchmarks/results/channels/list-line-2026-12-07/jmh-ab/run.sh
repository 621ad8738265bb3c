#!/bin/bash
# Interleaved JMH rounds of two benchmark jars, A and B (built by `mvn -pl benchmarks -am package`
# at the two commits and copied to JARS/A.jar and JARS/B.jar): unbuffered 1:1 and 4x4, then
# ping-pong, weft only, both thread kinds, the core-to-core probe around every iteration.
# Usage: run.sh A B OUTDIR ROUND...   e.g. run.sh base pad jmh-ab 1 2 3 4 5 6 7 8 (as here, in two
# batches), run.sh pad2 defer jmh-defer 1 2 3 4. JAVA (default java) must be JDK 21 or later.
set -e
A=$1 B=$2 OUT=$3; shift 3
J=${JAVA:-java} JARS=${JARS:-/tmp/jars}
O='-f 1 -wi 3 -w 1s -i 5 -r 1s -prof dev.weft.bench.chan.PlacementProfiler'
mkdir -p "$OUT"
for r in "$@"; do
  if [ $((r % 2)) = 1 ]; then order="$A $B"; else order="$B $A"; fi
  for v in $order; do
    $J -jar "$JARS/$v.jar" 'ChannelBench\.(oneToOne|ManyToMany\.fourToFour)$' -p capacity=0 -p impl=weft -p kind=virtual,platform $O -rf json -rff "$OUT/$v-$r.json" > "$OUT/$v-$r.log" 2>&1
    $J -jar "$JARS/$v.jar" 'ChannelBench\.PingPong\.roundTrip$' -p impl=weft -p kind=virtual,platform $O -rf json -rff "$OUT/pp-$v-$r.json" > "$OUT/pp-$v-$r.log" 2>&1
  done
done

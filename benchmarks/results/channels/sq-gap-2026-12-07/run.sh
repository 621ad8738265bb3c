#!/bin/bash
# Interleaved single-impl JMH forks of unbuffered 1:1 on virtual threads: weft, jdk (SynchronousQueue), jox.
J=${JAVA:-java}
O='-f 1 -wi 3 -w 1s -i 5 -r 1s -prof dev.weft.bench.chan.PlacementProfiler'
OUT=$1; shift; mkdir -p $OUT
for r in "$@"; do
  if [ $((r % 2)) = 1 ]; then order="weft jdk jox"; else order="jdk jox weft"; fi
  for v in $order; do
    $J -jar ${JAR:-/tmp/jars/main.jar} 'ChannelBench\.oneToOne$' -p capacity=0 -p impl=$v -p kind=virtual $O -rf json -rff $OUT/$v-$r.json > $OUT/$v-$r.log 2>&1
  done
done

#!/bin/bash
# Interleaved forks of unbuffered 1:1 on virtual threads: each NAME=JAR:IMPL in turn, order rotated per round.
J=${JAVA:-java}
O='-f 1 -wi 3 -w 1s -i 5 -r 1s -prof dev.weft.bench.chan.PlacementProfiler'
OUT=$1; ROUNDS=$2; shift 2; mkdir -p $OUT
specs=("$@"); n=${#specs[@]}
for r in $(seq 1 $ROUNDS); do
  for k in $(seq 0 $((n-1))); do
    s=${specs[$(( (k + r) % n ))]}; name=${s%%=*}; rest=${s#*=}; jar=${rest%%:*}; impl=${rest#*:}
    $J -jar ${JARS:-/tmp/jars}/$jar.jar 'ChannelBench\.oneToOne$' -p capacity=0 -p impl=$impl -p kind=virtual $O -rf json -rff $OUT/$name-$r.json > $OUT/$name-$r.log 2>&1
  done
done

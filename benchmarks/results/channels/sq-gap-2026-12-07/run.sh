#!/bin/bash
# Interleaved JMH forks, one per run and round: each NAME=JAR:IMPL runs JARS/JAR.jar with
# -p impl=IMPL, in an order rotated every round, PlacementProfiler around every iteration.
# Usage: run.sh OUT ROUNDS NAME=JAR:IMPL...   e.g. run.sh r 9 weft=main:weft jdk=main:jdk jox=main:jox
# BENCH (default unbuffered 1:1), PARAMS (default '-p capacity=0 -p kind=virtual'), ITERATIONS
# (default 5) choose the benchmark; JAVA (default java) must be JDK 21 or later.
J=${JAVA:-java}
BENCH=${BENCH:-'ChannelBench\.oneToOne$'}
PARAMS=${PARAMS:-'-p capacity=0 -p kind=virtual'}
O="-f 1 -wi 3 -w 1s -i ${ITERATIONS:-5} -r 1s -prof dev.weft.bench.chan.PlacementProfiler"
OUT=$1 ROUNDS=$2
shift 2
mkdir -p "$OUT"
specs=("$@")
n=${#specs[@]}
for r in $(seq 1 "$ROUNDS"); do
  for k in $(seq 0 $((n - 1))); do
    s=${specs[$(((k + r) % n))]}
    name=${s%%=*} rest=${s#*=}
    jar=${rest%%:*} impl=${rest#*:}
    # shellcheck disable=SC2086 # PARAMS and O are lists of options
    $J -jar "${JARS:-/tmp/jars}/$jar.jar" "$BENCH" $PARAMS -p impl="$impl" $O \
      -rf json -rff "$OUT/$name-$r.json" > "$OUT/$name-$r.log" 2>&1
  done
done

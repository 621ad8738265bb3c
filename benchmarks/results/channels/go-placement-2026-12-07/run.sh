#!/usr/bin/env bash
# Go's channel benchmarks (../shared/baselines/go-channels) run ROUNDS times, one benchmark at a
# time, each between two probes of the core-to-core round trip (Probe.java: two platform threads
# bouncing a volatile, 20,000 round trips, the third of three passes), to see whether Go's own
# figures move with the placement of the VM's two virtual CPUs (hand-off-floor.md, section 14).
# Usage, from the repository root, any JDK 17+ as java/javac: run.sh [ROUNDS] [BENCH-REGEX]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-8}
regex=${2:-.}
base=$(cd "$here/../../../.." && pwd)/../shared/baselines/go-channels
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$base"/chan_test.go "$base"/go.mod "$work"/
javac -d "$work" "$here"/Probe.java
(cd "$work" && GOFLAGS=-mod=mod GOCACHE="$work/cache" go test -c -o gob .)
names=$("$work"/gob -test.list "Benchmark.*" | grep -E "$regex" | grep -v -E 'Mutex|WaitGroup')
for r in $(seq 1 "$rounds"); do
  for b in $names; do
    before=$(java -cp "$work" Probe)
    ns=$("$work"/gob -test.run '^$' -test.bench "^$b\$" -test.benchtime 1s | awk '/^Benchmark/{print $3}')
    after=$(java -cp "$work" Probe)
    echo "round $r $b $ns ns/op probes $before $after"
  done
done

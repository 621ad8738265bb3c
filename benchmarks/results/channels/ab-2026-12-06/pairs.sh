#!/bin/bash
# pairs.sh A B [jvms] [pairs]: runs ABHarness in 2 x jvms short JVMs, alternating which pipe goes
# first, and prints each JVM's median ratio B/A, their median and geometric mean, and the standard
# error of the mean of the logs. From the repository root, after copy-package.sh (see ABHarness).
# JAVA, JAVAC: the JDK's tools to use (JDK 21 or later; default: those on the PATH).
set -euo pipefail
if ! "${JAVAC:-javac}" -version 2>&1 | awk '{split($2, v, "."); exit !(v[1] >= 21)}'; then
  echo "$(basename "$0") needs JDK 21 or later: set JAVAC (and JAVA), e.g. JAVAC=/usr/lib/jvm/temurin-25-jdk-amd64/bin/javac" >&2
  exit 1
fi
A=$1; B=$2; N=${3:-8}; PAIRS=${4:-20}
JAVA=${JAVA:-java}
R=benchmarks/results/channels
CP=primitives/target/classes:target/weftb
"${JAVAC:-javac}" -nowarn -cp "$CP" -d target/ab-harness "$R/live-head-2026-12-06/ListHarness.java" \
  "$R/ab-2026-12-06/ABHarness.java"
CP=$CP:target/ab-harness
ratios=()
for i in $(seq "$N"); do
  r=$("$JAVA" -cp "$CP" ABHarness "$A" "$B" "${VALUES:-200000}" "$PAIRS" | sed -nE "s/.* $B\/$A median ([0-9.]+).*/\1/p")
  ratios+=("$r")
  r=$("$JAVA" -cp "$CP" ABHarness "$B" "$A" "${VALUES:-200000}" "$PAIRS" | sed -nE "s/.* $A\/$B median ([0-9.]+).*/\1/p")
  ratios+=("$(python3 -c "print('%.3f' % (1 / $r))")")
done
python3 - "${ratios[@]}" <<'P'
import math, statistics, sys
r = [float(x) for x in sys.argv[1:]]
logs = [math.log(x) for x in r]
print('B/A per JVM:', ' '.join('%.3f' % x for x in r))
print('median %.3f, geometric mean %.3f, standard error of the mean log %.3f'
      % (statistics.median(r), math.exp(statistics.mean(logs)), statistics.stdev(logs) / math.sqrt(len(r))))
P

#!/bin/bash
# Compiles a copy of weft-primitives' sources, moved to the package dev.weftb, so that one JVM can
# load weft (dev.weft, from primitives/target/classes) and a changed copy (dev.weftb) side by side.
# Usage, from the repository root, with Temurin 21 or later as JAVAC (default: javac on the PATH):
#   benchmarks/results/channels/ab-2026-12-06/copy-package.sh [patch] [out-dir]
# patch: a diff to apply to the copy first (counters.patch here); out-dir: default target/weftb.
set -euo pipefail
if ! "${JAVAC:-javac}" -version 2>&1 | awk '{split($2, v, "."); exit !(v[1] >= 21)}'; then
  echo "$(basename "$0") needs JDK 21 or later: set JAVAC (and JAVA), e.g. JAVAC=/usr/lib/jvm/temurin-25-jdk-amd64/bin/javac" >&2
  exit 1
fi
PATCH=${1:+$(realpath "$1")}
OUT=${2:-target/weftb}
JAVAC=${JAVAC:-javac}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp -r primitives "$TMP/primitives"
if [ -n "$PATCH" ]; then
  (cd "$TMP" && patch -s -p1 < "$PATCH")
fi
SRC=$TMP/primitives/src/main/java
mv "$SRC/dev/weft" "$SRC/dev/weftb"
rm -f "$SRC/module-info.java"
find "$SRC" -name '*.java' -exec sed -i 's/\bdev\.weft\./dev.weftb./g; s/\bdev\.weft;/dev.weftb;/g' {} +
rm -rf "$OUT"
mkdir -p "$OUT"
"$JAVAC" --release 21 -nowarn -d "$OUT" $(find "$SRC" -name '*.java')
echo "compiled $(find "$OUT" -name '*.class' | wc -l) classes into $OUT"

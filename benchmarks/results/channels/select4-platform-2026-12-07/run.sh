J=${JAVA:-java}
O='-f 1 -wi 3 -w 1s -i 6 -r 1s -prof dev.weft.bench.chan.PlacementProfiler'
OUT=$1; shift; mkdir -p $OUT
for r in "$@"; do
  if [ $((r % 2)) = 1 ]; then order="main noskip2"; else order="noskip2 main"; fi
  for v in $order; do
    $J -jar ${JARS:-/tmp/jars}/$v.jar 'SelectBench' -p impl=weft -p kind=platform -p channels=4 $O -rf json -rff $OUT/$v-$r.json > $OUT/$v-$r.log 2>&1
  done
done

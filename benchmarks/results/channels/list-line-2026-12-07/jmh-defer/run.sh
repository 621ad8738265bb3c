#!/bin/bash
# A/B: base.jar (main) vs pad.jar, interleaved rounds
cd /tmp/ab-defer
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
O='-f 1 -wi 3 -w 1s -i 5 -r 1s -prof dev.weft.bench.chan.PlacementProfiler'
for r in 1 2 3 4; do
  if [ $((r % 2)) = 1 ]; then order="pad2 defer"; else order="defer pad2"; fi
  for v in $order; do
    $J -jar /tmp/jars/$v.jar 'ChannelBench\.(oneToOne|ManyToMany\.fourToFour)$' -p capacity=0 -p impl=weft -p kind=virtual,platform $O -rf json -rff $v-$r.json > $v-$r.log 2>&1
    $J -jar /tmp/jars/$v.jar 'ChannelBench\.PingPong\.roundTrip$' -p impl=weft -p kind=virtual,platform $O -rf json -rff pp-$v-$r.json > pp-$v-$r.log 2>&1
  done
done
echo done

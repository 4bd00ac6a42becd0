#!/bin/bash
# Alternates the server jar before and after the EventReader change, each run beside Nchan (B at 0.3x).
cd /work/main
for round in 1 2; do
  for which in before after; do
    cp /work/tmp24/server-$which.jar server/target/ringcast-server.jar
    echo "=== $which round $round $(date -u +%H:%M:%S)"
    bench/sse-peers.sh --no-build --only B --rounds 1 --nchan-workers 1 --rate-factor 0.3 2>&1 | grep -E "^==|RESULT|rss|RSS|heap|summary|p99" | cut -c1-400
  done
done
cp /work/tmp24/server-after.jar server/target/ringcast-server.jar

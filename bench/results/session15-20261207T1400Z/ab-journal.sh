#!/bin/bash
# A@0.3 against Ringcast alone, alternating server settings: journal write interval 5 ms (default), 50 ms, no journal.
# Same load tool flags as bench/sse-peers.sh's A at --rate-factor 0.3. Run from the repository root, with jars built.
set -u
JAVA=${JAVA:-java}; PORT=18080; DATA=$(mktemp -d)
rounds=${1:-3}
for r in $(seq "$rounds"); do
  for v in ${VARIANTS:-default wi50 none}; do
    rm -rf "$DATA"; mkdir -p "$DATA"
    case $v in
      default) args="--data-dir $DATA" ;;
      wi50) args="--data-dir $DATA --journal-write-interval-ms 50" ;;
      none) args="--data-dir none" ;;
    esac
    # shellcheck disable=SC2086
    "$JAVA" @server/jvm.options -jar server/target/ringcast-server.jar --port $PORT $args > /tmp/ab-server.log 2>&1 &
    pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
    out=$("$JAVA" @bench/sse-load.jvm.options -cp bench/target/benchmarks.jar io.ringcast.bench.load.SseLoad \
      --target ringcast --url "http://127.0.0.1:$PORT" --streams 1000 --topics 10 --rate 600 --duration 30 --warmup 20 \
      --threads 2 --publishers 8 --server-pid "$pid" | grep -v '^  t=')
    echo "== round $r $v $(date -u +%H:%M:%SZ)"
    echo "$out" | grep -E "RESULT latency|server pid|waiting|threads|load tool CPU"
    kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.2; done
  done
done
rm -rf "$DATA"

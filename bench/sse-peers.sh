#!/usr/bin/env bash
# Runs the SSE load tool against Ringcast and against nginx + Nchan, the same workloads one after
# the other in one run, and prints each RESULT line beside its peer's. The load tool and the server share this
# machine's cores, as in the issue's own Nchan figures.
#
#   bench/sse-peers.sh                    # workloads A and B: Ringcast, then Nchan with 1 and with 2 nginx workers
#                                         # (nchan1, nchan2: the fairest Nchan setting differs by workload), 3 rounds
#   bench/sse-peers.sh --only A --rounds 1
#   bench/sse-peers.sh --no-build         # reuse server/target/ringcast-server.jar and bench/target/benchmarks.jar
#   bench/sse-peers.sh --transports native,nio  # Ringcast on its default transport (epoll on Linux x86-64) and with
#                                         # --native-transport false (NIO, labelled ringcast/nio), alternated; the load
#                                         # tool runs on epoll for every server
#   bench/sse-peers.sh --nchan-workers 1  # Nchan with one worker only (one worker each side)
#   bench/sse-peers.sh --max-load 100     # start each run whatever the load (a shared machine never gets below 1.0)
#   bench/sse-peers.sh --max-cpu-loop 360 # start each run once the host's fixed CPU loop takes at most 360 ms (it
#                                         # waits up to 4 minutes, then runs and marks the run "slow host")
#   bench/sse-peers.sh --rate-factor 0.3  # A and B at 30 % of their event rates (600 and 300 events/s): for a host
#                                         # where both servers saturate at the full rates (a system call costing
#                                         # 1 us or more, e.g. a guest kernel with page-table isolation); the "=="
#                                         # lines and the summary then name the workloads A@0.3 and B@0.3
#   bench/sse-peers.sh --tool-threads 1   # the load tool reads every stream on one event loop instead of 2 (A and B;
#                                         # its publisher keeps its own loop): fewer runnable threads than cores
# Each run's "==" line also carries "mem-walk N ms": 4M dependent loads through 64 MB (MemoryWalk), the host's memory
# speed, which the CPU loop does not see; each Ringcast run ends with its heap, committed and used (RSS follows it).
#
# Workloads: A = 1,000 streams / 10 topics / 2,000 events/s; B = 10,000 streams / 100 topics / 1,000
# events/s (both with a 20 s warm-up: with 10 s, B had not settled on 2 cores and its first measured seconds carried
# the start-up backlog); C = 100 streams / 1 topic / single-event POSTs: each server's ceiling, found by the load
# tool's --ramp (1,000 POSTs/s more every 3 s until a step loses, refuses, closes a stream or falls behind), once with
# one request in flight on each of 16 publishing connections and once with 8 pipelined: both servers get both
# settings and the better one counts (pipelining lifts Ringcast's ceiling and lowers Nchan's), and the summary
# prints the ratio. Run nothing else meanwhile: a build beside it ruins the figures. Each run starts once the
# 1-minute load average is below 1.0.
# Needs root for the first 'nchan.sh install' (apt). Output: bench/results/sse-peers-<UTC timestamp>.log
set -euo pipefail
cd "$(dirname "$0")/.."

only="A,B"; rounds=3; build=1; transports="native"; nchan_workers="1,2"; max_load=1.0; max_cpu_loop=0; rate_factor=1; tool_threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --no-build) build=0 ;;
    --epoll) echo "--epoll is the default now (server and load tool on epoll where available): ignored" >&2 ;;
    --transports) transports="$2"; shift ;;
    --nchan-workers) nchan_workers="$2"; shift ;;
    --max-load) max_load="$2"; shift ;;
    --max-cpu-loop) max_cpu_loop="$2"; shift ;;
    --rate-factor) rate_factor="$2"; shift ;;
    --tool-threads) tool_threads="$2"; shift ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if ! awk -v f="$rate_factor" 'BEGIN {exit !(f > 0 && f <= 1)}'; then
  echo "--rate-factor must be a number in (0, 1], got '$rate_factor'" >&2; exit 2
fi
case "$tool_threads" in 1|2|3|4) ;; *) echo "--tool-threads must be 1 to 4, got '$tool_threads'" >&2; exit 2 ;; esac
JAVA="${JAVA:-java}"
RC_PORT="${RC_PORT:-18080}"     # env overrides: several runs side by side on one machine
NCHAN_PORT="${NCHAN_PORT:-18090}"
# Ringcast's JVM options files, comma-separated: each runs in turn beside the peers (e.g. server/jvm.options and
# server/jvm-g1.options to compare the collectors in one run); a file other than server/jvm.options is labelled
# ringcast:<file name without .options>
RC_JVM_OPTIONS="${RC_JVM_OPTIONS:-server/jvm.options}"
log="bench/results/sse-peers-$(date -u +%Y%m%dT%H%MZ).log"
mkdir -p bench/results
ulimit -n "$(ulimit -Hn)"

if [ "$build" = 1 ]; then
  echo "== building (the whole reactor: -pl bench -am would not rebuild the server jar)"
  mvn -B -q package -DskipTests
fi
bench/peers/nchan/nchan.sh install >/dev/null

shown() { # workload name as the log shows it: A, or A@0.3 at another rate factor (C is never scaled)
  case "$1" in A|B) [ "$rate_factor" = 1 ] && echo "$1" || echo "$1@$rate_factor" ;; *) echo "$1" ;; esac
}
scaled() { awk -v r="$1" -v f="$rate_factor" 'BEGIN {printf "%d", r * f + 0.5}'; }
workload() {
  case "$1" in
    A) echo "--streams 1000 --topics 10 --rate $(scaled 2000) --duration 30 --warmup 20 --threads $tool_threads --publishers 8" ;;
    B) echo "--streams 10000 --topics 100 --rate $(scaled 1000) --duration 30 --warmup 20 --threads $tool_threads --publishers 8" ;;
    C1) echo "--streams 100 --topics 1 --ramp 1000,1000,80000 --step-seconds 3 --warmup 5 --threads 2 --publishers 16 --pipeline 1" ;;
    C8) echo "--streams 100 --topics 1 --ramp 1000,1000,80000 --step-seconds 3 --warmup 5 --threads 2 --publishers 16 --pipeline 8" ;;
  esac
}

quiet() {
  for _ in $(seq 120); do
    awk -v max="$max_load" '{exit !($1 < max)}' /proc/loadavg && return
    sleep 2
  done
}

# The host's speed at the start of a run: milliseconds for a fixed single-threaded loop. On this kind of VM the
# same server did the same work with 64 % of a core in one hour and 89 % in the next (2026-12-06, no steal time
# reported): compare rows whose loop times agree, never rows from different speeds.
cpu_loop_ms() {
  local start end
  start=$(date +%s%N)
  awk 'BEGIN {for (i = 0; i < 2e6; i++) s += i * i % 7}'
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# A walk of dependent loads through 64 MB (bench/target/benchmarks.jar's MemoryWalk): memory and last-level cache
# speed, which the CPU loop above does not see.
mem_walk_ms() {
  "$JAVA" -Xms128m -Xmx128m -cp bench/target/benchmarks.jar io.ringcast.bench.load.MemoryWalk 2>/dev/null || echo "?"
}

# The Ringcast server's heap, committed and used, for the RSS column (RSS follows G1's committed heap).
heap_of() {
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen/ {print "heap " $0; exit}' | \
    sed -E 's/ +/ /g; s/\[.*//'
}

server_pid=""
options_of() { # ringcast label -> its JVM options file
  local f
  for f in ${RC_JVM_OPTIONS//,/ }; do [ "${1%/nio}" = "$(label_of "$f")" ] && echo "$f" && return; done
}
label_of() { # JVM options file -> ringcast label (a run on NIO adds /nio)
  if [ "$1" = server/jvm.options ]; then echo ringcast; else echo "ringcast:$(basename "$1" .options)"; fi
}
ringcasts() {
  local f t
  for f in ${RC_JVM_OPTIONS//,/ }; do
    for t in ${transports//,/ }; do
      case "$t" in
        native) label_of "$f" ;;
        nio) echo "$(label_of "$f")/nio" ;;
        *) echo "unknown transport '$t' (native or nio)" >&2; exit 2 ;;
      esac
    done
  done
}
ringcasts >/dev/null

rc_data="$(mktemp -d "${TMPDIR:-/tmp}/ringcast-sse-peers-data.XXXXXX")"
rc_log="${log%.log}-ringcast-server.log"
trap 'rm -rf "$rc_data"' EXIT

start_server() {
  case "$1" in
    ringcast*)
      rm -rf "$rc_data"   # a fresh journal per run: runs stay comparable, the disk does not fill
      local transport_args=""
      case "$1" in */nio) transport_args="--native-transport false" ;; esac
      # shellcheck disable=SC2086
      "$JAVA" @"$(options_of "$1")" -jar server/target/ringcast-server.jar --port "$RC_PORT" --data-dir "$rc_data" \
        $transport_args >"$rc_log" 2>&1 &
      server_pid=$!
      for _ in $(seq 100); do curl -sf "http://127.0.0.1:$RC_PORT/healthz" >/dev/null && return; sleep 0.2; done
      echo "ringcast did not start; see $rc_log" >&2; exit 1 ;;
    nchan1|nchan2)
      server_pid=$(WORKERS="${1#nchan}" bench/peers/nchan/nchan.sh start "$NCHAN_PORT") ;;
  esac
}

stop_server() {
  case "$1" in
    ringcast*) kill "$server_pid" 2>/dev/null || true; while kill -0 "$server_pid" 2>/dev/null; do sleep 0.2; done ;;
    nchan*) bench/peers/nchan/nchan.sh stop; while kill -0 "$server_pid" 2>/dev/null && \
      ! grep -q '^State:.*Z' "/proc/$server_pid/status" 2>/dev/null; do sleep 0.2; done ;;
  esac
}

rss_mb() { # pid: VmRSS of the process and its children in MB, then the anonymous and file-backed shares
  local total=0 anon=0 file=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    anon=$((anon + $(awk '/^RssAnon:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    file=$((file + $(awk '/^RssFile:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo "$((total / 1024)) MB (anon $((anon / 1024)), file $((file / 1024)))"
}

run_one() { # target workload-name
  local target="$1" name="$2" port=$RC_PORT tool=ringcast
  case "$target" in ringcast*) ;; *) port=$NCHAN_PORT; tool=nchan ;; esac
  quiet
  local loop_ms slow=""
  loop_ms=$(cpu_loop_ms)
  if [ "$max_cpu_loop" -gt 0 ]; then
    for _ in $(seq 24); do
      [ "$loop_ms" -le "$max_cpu_loop" ] && break
      sleep 10
      loop_ms=$(cpu_loop_ms)
    done
    [ "$loop_ms" -gt "$max_cpu_loop" ] && slow=" (slow host)"
  fi
  local walk_ms
  walk_ms=$(mem_walk_ms)
  start_server "$target"
  echo "== $(shown "$name") $target $(date -u +%H:%M:%SZ) load $(cut -d' ' -f1 /proc/loadavg) cpu-loop ${loop_ms} ms mem-walk ${walk_ms} ms$slow"
  case "$target" in ringcast*) echo "server: $(grep -o -m1 'transport [^,]*' "$rc_log")" ;; esac
  # shellcheck disable=SC2046
  "$JAVA" @bench/sse-load.jvm.options -cp bench/target/benchmarks.jar io.ringcast.bench.load.SseLoad \
    --target "$tool" --url "http://127.0.0.1:$port" $(workload "$name") --server-pid "$server_pid" \
    | grep -v '^  t='
  echo "server RSS (with children) $(rss_mb "$server_pid"); load $(cut -d' ' -f1-3 /proc/loadavg)"
  case "$target" in ringcast*) echo "server $(heap_of "$server_pid")" ;; esac
  stop_server "$target"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  nproc: $(nproc)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "kernel: $(uname -r)  java: $("$JAVA" -version 2>&1 | head -1)  nginx: $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2)  nchan: $(dpkg-query -W -f='${Version}' libnginx-mod-nchan)"
  echo "git: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)')"
  for f in ${RC_JVM_OPTIONS//,/ }; do echo "$(label_of "$f") jvm options ($f): $(grep -v '^#' "$f" | tr '\n' ' ')"; done
  for round in $(seq "$rounds"); do
    for name in ${only//,/ }; do
      if [ "$name" = C ]; then
        # each server's ceiling, with both publisher settings, alternated
        for c in C1 C8; do
          for r in $(ringcasts); do run_one "$r" "$c"; done
          for w in ${nchan_workers//,/ }; do run_one "nchan$w" "$c"; done
        done
      else
        for r in $(ringcasts); do run_one "$r" "$name"; done
        for w in ${nchan_workers//,/ }; do run_one "nchan$w" "$name"; done
      fi
    done
  done
  echo "== summary (p99 by workload and server)"
} 2>&1 | tee "$log"
# per run: p50/p99/p99.9, the server's CPU (% of one core) and its CPU per delivery, the host's loop and walk times at
# the start; then its RSS with every stream open (read by the load tool at the end of the window) and after they closed
awk '/^== [A-Z]/ {w=$2; t=$3; loop="?"; walk="?"; open="?"; for (i = 1; i < NF; i++) {if ($i == "cpu-loop") loop=$(i+1) ($NF == "host)" ? "(slow)" : ""); if ($i == "mem-walk") walk=$(i+1)}} /^server pid/ {cpu=$10; sub(/%/, "", cpu)} /^server RSS .* streams open/ {for (i = 1; i < NF; i++) if ($i == "open:") open=$(i+1)} /RESULT delivered/ {d=$2}
  /RESULT latency/ {split(d, a, "="); us = a[2] > 0 ? (cpu / 100) / a[2] * 1e6 : 0;
    printf "%s %s %s %s %s %s server-cpu=%s%% us/delivery=%.2f cpu-loop=%sms mem-walk=%sms\n", w, t, d, $4, $5, $6, cpu, us, loop, walk}
  /^server RSS \(with/ {printf "%s %s rss-streams-open=%sMB rss-after-close=%sMB\n", w, t, open, $5}' \
  "$log" | tee -a "$log"
if grep -q 'RESULT ceiling' "$log"; then
  echo "== C: each server's ceiling (single-event POSTs/s with zero loss; best of the publisher settings)" | tee -a "$log"
  awk '/^== C[0-9]/ {t=$3} /RESULT ceiling/ {split($3, a, "="); if (a[2] + 0 > best[t]) best[t] = a[2] + 0}
    END {for (t in best) printf "%s %d\n", t, best[t];
      for (t in best) if (t !~ /^ringcast/ && best[t] > 0) printf "ringcast / %s = %.1fx\n", t, best["ringcast"] / best[t]}' \
    "$log" | sort | tee -a "$log"
fi
echo "log: $log"

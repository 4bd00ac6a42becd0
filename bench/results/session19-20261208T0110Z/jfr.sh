#!/bin/bash
# jfr.sh tag peer : 8 s Probe routing with JFR (profile settings, debug non-safepoints); prints rates and saves /work/tmp31/$tag.jfr
tag=$1; peer=${2:-ringcast}
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=filename=/work/tmp31/$tag.jfr,settings=profile,delay=3s -cp /work/main/bench/target/benchmarks.jar io.ringcast.bench.harness.Probe $peer 10000 10000 0 8 2>&1 | grep deliveries | tail -5 | sed 's/.*-> //' | cut -c1-130

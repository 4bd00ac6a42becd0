#!/usr/bin/env bash
# tasks.sh <pid> <seconds>: per-thread CPU and run-queue wait (ms/s) over the span, from /proc/<pid>/task/*/schedstat
python3 - "$1" "$2" <<'PY'
import os, sys, time
pid, secs = sys.argv[1], float(sys.argv[2])
def snap():
    d = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            run, wait, sl = map(int, open(f"/proc/{pid}/task/{t}/schedstat").read().split())
            st = open(f"/proc/{pid}/task/{t}/status").read()
            vol = int(st.split("voluntary_ctxt_switches:")[1].split()[0]); inv = int(st.split("nonvoluntary_ctxt_switches:")[1].split()[0])
            d[t] = (open(f"/proc/{pid}/task/{t}/comm").read().strip(), run, wait, sl, vol, inv)
        except Exception:
            pass
    return d
a = snap(); time.sleep(secs); b = snap()
rows = []
for t, v in b.items():
    u = a.get(t, (v[0], 0, 0, 0, 0, 0))
    cpu = (v[1]-u[1])/1e6/secs; wait = (v[2]-u[2])/1e6/secs
    if cpu > 1 or wait > 1:
        rows.append((wait, f"{v[0]:<22} cpu {cpu:7.1f} ms/s  wait {wait:6.1f} ms/s  slices {(v[3]-u[3])/secs:7.0f}/s  vol {(v[4]-u[4])/secs:6.0f}/s  invol {(v[5]-u[5])/secs:6.0f}/s"))
tot = sum(r[0] for r in rows)
for r in sorted(rows, reverse=True): print(r[1])
print(f"total wait {tot:.1f} ms/s")
PY

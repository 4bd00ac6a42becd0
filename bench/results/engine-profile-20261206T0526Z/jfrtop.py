import json,sys,subprocess,collections
f=sys.argv[1]; depth=int(sys.argv[2]) if len(sys.argv)>2 else 1
out=subprocess.run(['jfr','print','--json','--events','jdk.ExecutionSample',f],capture_output=True,text=True).stdout
d=json.loads(out)
ev=d['recording']['events']
by=collections.defaultdict(collections.Counter); tot=collections.Counter()
incl=collections.defaultdict(collections.Counter)
for e in ev:
    v=e['values']; t=v['sampledThread']['javaName'] if v.get('sampledThread') else '?'
    fr=v['stackTrace']['frames'] if v.get('stackTrace') else []
    tot[t]+=1
    key=' <- '.join(f"{x['method']['type']['name'].split('.')[-1]}.{x['method']['name']}:{x['lineNumber']}" for x in fr[:depth])
    by[t][key]+=1
    seen=set()
    for x in fr:
        m=f"{x['method']['type']['name'].split('.')[-1]}.{x['method']['name']}"
        if m not in seen: seen.add(m); incl[t][m]+=1
for t,n in tot.most_common():
    if n<50: continue
    print(f"=== {t}: {n} samples (self)")
    for k,c in by[t].most_common(25): print(f"  {100*c/n:5.1f}% {k}")
    print(f"  -- inclusive")
    for k,c in incl[t].most_common(20): print(f"  {100*c/n:5.1f}% {k}")

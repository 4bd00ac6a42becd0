import sys,re,collections,subprocess
f=sys.argv[1]
out=subprocess.run(['jfr','print','--events','jdk.ExecutionSample','--stack-depth','2',f],capture_output=True,text=True).stdout
c=collections.defaultdict(collections.Counter)
for ev in out.split('jdk.ExecutionSample')[1:]:
    t=re.search(r'sampledThread = "([^"]+)"',ev)
    fr=re.search(r'stackTrace = \[\s*\n\s*(.+?)\n',ev)
    if t and fr: c[t.group(1)][fr.group(1).strip()]+=1
for t in c:
    if not ('consumer' in t or 'dispatcher' in t or t=='main'): continue
    tot=sum(c[t].values()); print(f"== {t} {tot}")
    for k,v in c[t].most_common(12): print(f"  {100*v/tot:5.1f}% {k}")

import sys,re,collections,subprocess
f=sys.argv[1]; thread=sys.argv[2]; depth=int(sys.argv[3]) if len(sys.argv)>3 else 1
out=subprocess.run(['jfr','print','--events','jdk.ExecutionSample','--stack-depth','30',f],capture_output=True,text=True).stdout
top=collections.Counter(); incl=collections.Counter(); tot=0
for ev in out.split('jdk.ExecutionSample')[1:]:
    t=re.search(r'sampledThread = "([^"]+)"',ev)
    if not t or thread not in t.group(1): continue
    frames=[l.strip() for l in ev.split('stackTrace = [')[1].split(']')[0].strip().split('\n') if l.strip() and 'line:' in l or '(' in l]
    frames=[re.sub(r'\s+line: \d+','',fr) for fr in frames]
    if not frames: continue
    tot+=1
    top[' <- '.join(frames[:depth])]+=1
    for fr in set(frames): incl[fr]+=1
print("samples",tot)
print("-- self (top frames)")
for k,v in top.most_common(25): print(f"{100*v/tot:5.1f}% {k}")
print("-- inclusive")
for k,v in incl.most_common(40): print(f"{100*v/tot:5.1f}% {k}")

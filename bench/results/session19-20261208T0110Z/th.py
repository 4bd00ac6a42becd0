import sys,os,time,glob,collections
pid=sys.argv[1]; dur=float(sys.argv[2])
def snap():
    r={}
    for t in glob.glob(f'/proc/{pid}/task/*'):
        try:
            n=open(t+'/comm').read().strip(); s=open(t+'/schedstat').read().split()
            st=open(t+'/status').read(); v=int(st.split('voluntary_ctxt_switches:')[1].split()[0]); iv=int(st.split('nonvoluntary_ctxt_switches:')[1].split()[0])
            c=open(t+'/stat').read().rsplit(')',1)[1].split()[36]
            r[t]=(n,int(s[0]),int(s[1]),v,iv,c)
        except Exception: pass
    return r
a=snap(); seen=collections.defaultdict(collections.Counter); t0=time.time()
while time.time()-t0<dur:
    time.sleep(0.05)
    for k,x in snap().items(): seen[k][x[5]]+=1
b=snap(); el=time.time()-t0
for k in b:
    if k not in a: continue
    n=b[k][0]; cpu=(b[k][1]-a[k][1])/1e6/el; w=(b[k][2]-a[k][2])/1e6/el
    if cpu<20: continue
    print(f"  {n:24s} cpu {cpu:5.0f} ms/s wait {w:5.0f} ms/s vol {(b[k][3]-a[k][3])/el:7.0f}/s invol {(b[k][4]-a[k][4])/el:6.0f}/s cpus {dict(seen[k])}")

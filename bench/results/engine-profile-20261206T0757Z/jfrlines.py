import sys, re, collections
th=None; first=None; cnt=collections.defaultdict(collections.Counter); tot=collections.Counter(); incl=collections.defaultdict(collections.Counter)
state=0; frames=[]
for line in open(sys.argv[1]):
    line=line.strip()
    if line.startswith('sampledThread'):
        th=line.split('"')[1]
    elif line.startswith('stackTrace'):
        frames=[]; state=1
    elif state==1:
        if line.startswith(']'):
            if frames:
                tot[th]+=1; cnt[th][frames[0]]+=1
                for f in set(frames[1:]): incl[th][f]+=1
            state=0
        elif line!='...':
            frames.append(line)
n=int(sys.argv[2])
for t,c in tot.most_common(3):
    print('==',t,c)
    for f,k in cnt[t].most_common(n): print('  %5.1f%% %s'%(100*k/c,f))

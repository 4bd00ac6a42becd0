import sys, collections
f=sys.argv[1]; n=int(sys.argv[2]) if len(sys.argv)>2 else 15
by=collections.defaultdict(collections.Counter); tot=collections.Counter()
for line in open(f):
    stack,c=line.rstrip().rsplit(' ',1); c=int(c)
    fr=stack.split(';'); th=fr[0]
    th=th.split(' tid=')[0]
    tot[th]+=c
    by[th][fr[-1]]+=c
for th,t in tot.most_common(4):
    print('==',th,t)
    for fn,c in by[th].most_common(n): print('  %5.1f%% %s'%(100*c/t,fn))

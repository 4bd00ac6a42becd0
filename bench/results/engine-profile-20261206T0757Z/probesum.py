import sys,re,statistics
cur=None; rows={}
for line in open(sys.argv[1]):
    if line.startswith('## '):
        p=line.split(); cur=(p[1]+'/'+p[2], p[3].replace('.jar',''), p[4]); rows.setdefault(cur,[]); continue
    m=re.search(r'-> (\d+) deliveries/s',line); share=re.search(r'share=([\d.]+)',line)
    cpu=dict((k,float(v)) for k,v in re.findall(r' (\S+?)=([\d.]+)ns/ev',line))
    pub=cpu.get('main',0); disp=sum(v for k,v in cpu.items() if 'dispatcher' in k); cons=cpu.get('bench-consumer',0)
    rows[cur].append((int(m.group(1)),float(share.group(1)),pub,disp,cons))
print('| workload (subs/topics) | build | peer | deliveries/s (median) | share | publisher ns/ev | dispatcher ns/ev | consumer ns/ev |')
print('|---|---|---|---:|---:|---:|---:|---:|')
for k,v in rows.items():
    med=lambda i: statistics.median([r[i] for r in v]) if v else 0
    print('| %s | %s | %s | %.2fM | %.2f | %.0f | %.0f | %.0f |'%(k[0],k[1],k[2],med(0)/1e6,med(1),med(2),med(3),med(4)))

import sys,re,statistics
p,r=sys.argv[1],sys.argv[2]
d=[];cons=[];disp=[];pub=[]
for l in sys.stdin:
    m=re.search(r'-> (\d+) deliveries/s',l)
    if not m: continue
    d.append(int(m.group(1)))
    c=re.search(r'bench-consumer=([\d.]+)',l); cons.append(float(c.group(1)))
    x=re.search(r'dispatcher[^=]*=([\d.]+)',l); disp.append(float(x.group(1)) if x else 0)
    x=re.search(r'main=([\d.]+)',l); pub.append(float(x.group(1)) if x else 0)
print(f"r{r} {p:28s} {statistics.median(d)/1e6:7.2f}M  consumer {statistics.median(cons):6.1f} dispatcher {statistics.median(disp):6.1f} publisher {statistics.median(pub):5.1f} ns/ev  steps {' '.join('%.1f'%(x/1e6) for x in d)}", flush=True)

import re,sys,collections
res=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sys.argv[1:]:
    v=f.split('-')[1]
    for l in open(f):
        m=re.match(r'iter +(\d+): +(\d+) ns/elem.*parks ([\d.]+).*probes (\d+) (\d+)',l)
        if not m or int(m.group(1))==0: continue
        ns,a,b=int(m.group(2)),int(m.group(4)),int(m.group(5))
        c='near' if a<250 and b<250 else 'far' if a>380 and b>380 else 'mixed'
        res[v][c].append(ns)
import statistics as st
for v in res:
    print(v, {c:(len(x), round(st.median(x)), min(x), max(x)) for c,x in sorted(res[v].items())})

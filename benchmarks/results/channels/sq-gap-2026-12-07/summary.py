# Summarises run.sh's rounds: each implementation's round means, then its mean over the iterations
# of each placement (PlacementProfiler's probes before and after the iteration: near if both are
# under 250 ns, far if both are over 380, mixed otherwise), and the ratios to weft.
# Usage: python3 summary.py DIR [REF] (REF, default weft: the run the ratios divide by)
import collections, glob, json, sys

d = sys.argv[1] if len(sys.argv) > 1 else '.'
ref = sys.argv[2] if len(sys.argv) > 2 else 'weft'
res = collections.defaultdict(lambda: collections.defaultdict(list))
rounds = collections.defaultdict(dict)
for f in sorted(glob.glob(d + '/*-*.json')):
    v, r = f.split('/')[-1][:-5].rsplit('-', 1)
    for b in json.load(open(f)):
        raw = b['primaryMetric']['rawData'][0]
        s = b['secondaryMetrics']
        rounds[v][int(r)] = sum(raw) / len(raw)
        for t, x, y in zip(raw, s['core.rt.before']['rawData'][0], s['core.rt.after']['rawData'][0]):
            k = 'near' if max(x, y) < 250 else 'far' if min(x, y) > 380 else 'mixed'
            res[v][k].append(t)
            res[v]['all'].append(t)
mean = lambda v: sum(v) / len(v) if v else float('nan')
for v in sorted(res):
    print('%-5s rounds %s' % (v, ' '.join('%.0f' % rounds[v][r] for r in sorted(rounds[v]))))
    print('      ' + ', '.join('%s %.0f ns (%d it)' % (k, mean(res[v][k]), len(res[v][k])) for k in ('all', 'near', 'far', 'mixed')))
for v in sorted(res):
    if v != ref:
        print('%s/%s: ' % (v, ref) + ', '.join('%s %.2f' % (k, mean(res[v][k]) / mean(res[ref][k])) for k in ('all', 'near', 'far', 'mixed') if res[v][k] and res[ref][k]))

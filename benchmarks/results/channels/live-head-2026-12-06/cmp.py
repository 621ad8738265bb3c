"""Usage: cmp.py [DIR [A B]]. Compares A-*.json and B-*.json (default: base and live): per
benchmark, mean score per round (all iterations) and over far iterations of all rounds (both
probes > 380 ns)."""
import json, glob, collections, sys
FAR = 380.0
d = sys.argv[1] if len(sys.argv) > 1 else '.'
A, B = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ('base', 'live')
res = collections.defaultdict(lambda: collections.defaultdict(list))  # label -> v -> [(round, all, far list)]
for f in sorted(glob.glob(d + '/*-[0-9].json')):
    v, r = f.split('/')[-1][:-5].rsplit('-', 1)
    try:
        data = json.load(open(f))
    except ValueError:
        continue
    for b in data:
        p = b.get('params', {})
        name = b['benchmark'].split('.bench.chan.')[-1]
        label = name + ' ' + ' '.join('%s=%s' % (k, p[k]) for k in sorted(p) if k != 'capacity' or A != 'base')
        sec = b.get('secondaryMetrics', {})
        scores = [s for fork in b['primaryMetric']['rawData'] for s in fork]
        far = []
        if 'core.rt.before' in sec:
            for fork, ss in enumerate(b['primaryMetric']['rawData']):
                for s, x, y in zip(ss, sec['core.rt.before']['rawData'][fork], sec['core.rt.after']['rawData'][fork]):
                    if min(x, y) > FAR:
                        far.append(s)
        res[label][v].append((r, sum(scores) / len(scores), far))
m = lambda v: sum(v) / len(v) if v else float('nan')
print('%-62s %-26s %-26s %8s %8s' % ('benchmark', A + ' rounds', B + ' rounds', 'far ' + A, 'far ' + B))
for label in sorted(res):
    b = res[label].get(A, []); l = res[label].get(B, [])
    fb = [x for _, _, f in b for x in f]; fl = [x for _, _, f in l for x in f]
    print('%-62s %-26s %-26s %5.0f(%2d) %5.0f(%2d)  ratio B/A all %.2f far %.2f' % (label[:62],
        ' '.join('%.0f' % a for _, a, _ in b), ' '.join('%.0f' % a for _, a, _ in l),
        m(fb), len(fb), m(fl), len(fl), m([a for _, a, _ in l]) / m([a for _, a, _ in b]) if b and l else float('nan'), m(fl) / m(fb) if fb and fl else float('nan')))

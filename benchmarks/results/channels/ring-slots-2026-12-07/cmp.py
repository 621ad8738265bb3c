import json, glob, collections, sys
d = sys.argv[1]; A, B = sys.argv[2], sys.argv[3]
res = collections.defaultdict(lambda: collections.defaultdict(lambda: {'rounds': [], 'near': [], 'far': [], 'all': []}))
for f in sorted(glob.glob(d + '/*-[0-9].json')):
    v, r = f.split('/')[-1][:-5].rsplit('-', 1)
    v = v.replace('pp-', '')  # list-line-2026-12-07/jmh-ab keeps PingPong's runs in pp-<jar>-<round>.json
    try: data = json.load(open(f))
    except ValueError: continue
    for b in data:
        p = b['params']; name = b['benchmark'].split('.')[-1]
        label = '%s cap=%s %s' % (name, p.get('capacity', '-'), p['kind'])
        sec = b['secondaryMetrics']; raw = b['primaryMetric']['rawData'][0]
        e = res[label][v]; e['rounds'].append(sum(raw) / len(raw)); e['all'] += raw
        for s, x, y in zip(raw, sec['core.rt.before']['rawData'][0], sec['core.rt.after']['rawData'][0]):
            if max(x, y) < 250: e['near'].append(s)
            elif min(x, y) > 380: e['far'].append(s)
m = lambda v: sum(v) / len(v) if v else float('nan')
med = lambda v: sorted(v)[len(v) // 2] if v else float('nan')
print('%-34s %-20s %-20s %-13s %-13s %s' % ('benchmark', A + ' rounds', B + ' rounds', 'near A/B (n)', 'far A/B (n)', 'B/A: rounds mean, median it, near, far'))
for label in sorted(res):
    a = res[label][A]; b = res[label][B]
    print('%-34s %-20s %-20s %4.0f/%-4.0f(%d/%d) %4.0f/%-4.0f(%d/%d) %.2f %.2f %.2f %.2f' % (label,
        ' '.join('%.0f' % x for x in a['rounds']), ' '.join('%.0f' % x for x in b['rounds']),
        m(a['near']), m(b['near']), len(a['near']), len(b['near']), m(a['far']), m(b['far']), len(a['far']), len(b['far']),
        m(b['rounds']) / m(a['rounds']), med(b['all']) / med(a['all']), m(b['near']) / m(a['near']) if a['near'] and b['near'] else float('nan'),
        m(b['far']) / m(a['far']) if a['far'] and b['far'] else float('nan')))

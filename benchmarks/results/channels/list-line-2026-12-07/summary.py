"""Summarises LineHarness output: per placement, each pipe's geometric mean ratio to a reference.

Usage: python3 summary.py OUTPUT REFERENCE. A round counts as near when both its probes are under
150 ns, far when both are over 300; the first round (compilation) is left out.
"""
import math
import re
import sys

path, ref = sys.argv[1], sys.argv[2]
rows = []
for line in open(path):
    m = re.match(r'probe\s+(\d+)(.*)probe\s+(\d+)', line)
    if m:
        pipes = {k: float(v) for k, v in re.findall(r'(\w+)=(\d+)', m.group(2))}
        rows.append((int(m.group(1)), int(m.group(3)), pipes))
rows = rows[1:]


def placement(before, after):
    if before < 150 and after < 150:
        return 'near'
    if before > 300 and after > 300:
        return 'far'
    return 'mixed'


for where in ('near', 'far', 'mixed'):
    group = [r for r in rows if placement(r[0], r[1]) == where]
    if not group:
        continue
    cells = []
    for name in group[0][2]:
        ratio = math.exp(sum(math.log(r[2][name] / r[2][ref]) for r in group) / len(group))
        median = sorted(r[2][name] for r in group)[len(group) // 2]
        cells.append('%s %.2f (median %.0f ns)' % (name, ratio, median))
    print('%-5s %3d rounds: %s' % (where, len(group), ', '.join(cells)))

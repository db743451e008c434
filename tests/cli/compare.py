#!/usr/bin/env python3
"""Compares a scan result with a stored one.

Tolerance: counts, types and grades must be equal, the qualitative grade's
disease loads within 2%; positions within 0.02 mm; widths, depths, areas and
volumes within 2% (+ 0.005 in the field's unit); ISO 25178 parameters within
2%.  Floating-point results may differ in the
last digits between compilers and instruction sets, never by more.
"""
import json
import sys


def close(a, b, rel, absol):
    return abs(a - b) <= absol + rel * abs(a)


def main():
    exp, got = (json.load(open(p)) for p in sys.argv[1:3])
    errs = []
    if exp["counts"] != got["counts"]:
        errs.append(f"counts {got['counts']} != {exp['counts']}")
    eg, gg = exp["goodman_baron"], got["goodman_baron"]
    for k in ("qualitative_grade", "quantitative_score"):
        if eg[k] != gg.get(k):
            errs.append(f"goodman_baron {k} {gg.get(k)} != {eg[k]}")
    for k in ("visible_load", "unstretchable_load"):
        if not close(eg[k], gg.get(k, float("nan")), 0.02, 1e-5):
            errs.append(f"goodman_baron {k} {gg.get(k)} != {eg[k]}")
    if exp["ecca"] != got["ecca"]:
        errs.append(f"ecca {got['ecca']} != {exp['ecca']}")
    if len(exp["scars"]) != len(got["scars"]):
        errs.append(f"{len(got['scars'])} scars != {len(exp['scars'])}")
    for i, (e, g) in enumerate(zip(exp["scars"], got["scars"])):
        if e["type"] != g["type"]:
            errs.append(f"scar {i+1}: type {g['type']} != {e['type']}")
        for k in ("x_mm", "y_mm"):
            if not close(e[k], g[k], 0, 0.02):
                errs.append(f"scar {i+1}: {k} {g[k]} != {e[k]}")
        for k in ("width_mm", "depth_mm", "area_mm2", "volume_mm3"):
            if not close(e[k], g[k], 0.02, 0.005):
                errs.append(f"scar {i+1}: {k} {g[k]} != {e[k]}")
    for k, v in exp["iso25178"].items():
        if not close(v, got["iso25178"][k], 0.02, 0.01):
            errs.append(f"iso25178 {k} {got['iso25178'][k]} != {v}")
    for e in errs:
        print("  " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compares two routing outputs `case_id,need,service_id` (route_frames.py --out, route_zen.py
--out, the route_peers example): every (case, need) pair must be in both with the same
service (empty = a gap). Row order does not matter.

Usage: python compare.py A.csv B.csv [--expect-needs N]
Prints the counts and up to 10 differences; exit 1 on any difference (or a count other than N).
Python standard library only.
"""
from __future__ import annotations

import csv
import sys


def read(path: str) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (r["case_id"], r["need"])
            if key in out:
                raise SystemExit(f"`{path}`: ({key[0]}, {key[1]}) appears twice")
            out[key] = r["service_id"] or ""
    return out


def compare(a: dict, b: dict) -> list[tuple]:
    """The differences: (case, need, service in a, service in b); None = pair missing."""
    diff = [(k[0], k[1], v, b.get(k)) for k, v in a.items() if b.get(k) != v]
    diff += [(k[0], k[1], None, v) for k, v in b.items() if k not in a]
    return sorted(diff, key=lambda d: (d[0], d[1]))


def main(argv: list[str]) -> int:
    args = [x for x in argv if not x.startswith("--")]
    expect = None
    if "--expect-needs" in argv:
        expect = int(argv[argv.index("--expect-needs") + 1])
        args.remove(str(expect))
    if len(args) != 2:
        raise SystemExit(__doc__)
    a, b = read(args[0]), read(args[1])
    diff = compare(a, b)
    gaps = sum(1 for v in a.values() if not v)
    print(f"{args[0]}: {len(a)} needs ({gaps} gaps); {args[1]}: {len(b)} needs; {len(diff)} differences")
    for d in diff[:10]:
        print(f"  case {d[0]} need {d[1]}: {d[2]!r} vs {d[3]!r}")
    if expect is not None and len(a) != expect:
        print(f"expected {expect} needs, found {len(a)}")
        return 1
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""The peers' national directory (../shared/peers/gen.py, its CSV files) as a dls folder.

Reads  SRC/{regions,municipalities,kernen,taxonomy,organisations,services}.csv  and writes
  OUT/areas.json       regions (with their municipalities), municipalities, kernen
  OUT/taxonomy.json    the domains, each subdomain (`zorg.wmo`) as a need, the leaf needs
  OUT/directory.json   organisations, and the words gen.py uses for household type and urgency
                       declared on the national attributes (dls's declared vocabulary)
  OUT/services.csv     one row per service in dls's tabular format (`dls_core::tabular`),
                       read by `Directory.from_tables` / `tabular::load` onto the folder above

Cell by cell, what each column of gen.py's services.csv becomes (nothing else changes):
  service_id -> id (and name: gen.py has no names), org_id -> organisation
  need_code + need_level -> needs: the code itself (`need`), or `<subdomain>.*` (`subdomain`:
      the service covers every need under that taxonomy prefix, dls's subtree matcher)
  scope + areas -> areas: `national` | `region:VR01;…` | `GM0394;…` | `kern:KN039401;…`
      (dls writes the layer in the area reference, so `scope` needs no column of its own)
  age_min, age_max -> age_min, age_max;  household_types -> household;  urgencies -> urgency
  valid_from, valid_to -> valid_from, valid_until;  priority -> priority (the service routes by
      its own coverage at that priority: `coverage:<service_id>` rules, no rule file)
  legal_framework, capacity_per_month: not written. The peers' routing semantics
      (common.py) test neither, and a capacity of 0 would make dls skip the service as full.
Organisation kinds (dls_region, dls_local, national, regional, local) become `volunteer` for
the DLS steunpilaren and `other` for the rest (dls's fixed list of kinds). The taxonomy's
legal_framework and deadline_days are not written (routing does not read them).

Python standard library only.  Usage: python to_dls.py SRC OUT
"""
from __future__ import annotations

import csv
import json
import os
import sys

# gen.py's vocabulary (HOUSEHOLD_TYPES, URGENCIES); `crisis` is a national urgency already.
HOUSEHOLD_TYPES = ["alleenstaand", "paar_zonder_kinderen", "paar_met_kinderen", "eenoudergezin", "overig"]
URGENCIES = ["laag", "normaal", "hoog", "crisis"]
NATIONAL_URGENCIES = {"normal", "urgent", "crisis"}
AREA_PREFIX = {"region": "region:", "municipality": "", "kern": "kern:"}
SERVICE_COLUMNS = ["id", "organisation", "name", "needs", "areas", "age_min", "age_max", "household",
                   "urgency", "valid_from", "valid_until", "priority"]


def rows(src: str, name: str) -> list[dict]:
    with open(os.path.join(src, f"{name}.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def split(cell: str) -> list[str]:
    return [x for x in cell.split(";") if x]


def service_row(s: dict) -> dict:
    needs = s["need_code"] + (".*" if s["need_level"] == "subdomain" else "")
    if s["need_level"] not in ("need", "subdomain"):
        raise SystemExit(f"service {s['service_id']}: unknown need_level `{s['need_level']}`")
    if s["scope"] == "national":
        areas = ["national"]
    elif s["scope"] in AREA_PREFIX:
        areas = [AREA_PREFIX[s["scope"]] + a for a in split(s["areas"])]
    else:
        raise SystemExit(f"service {s['service_id']}: unknown scope `{s['scope']}`")
    return {"id": s["service_id"], "organisation": s["org_id"], "name": s["service_id"], "needs": needs,
            "areas": ";".join(areas), "age_min": s["age_min"], "age_max": s["age_max"],
            "household": s["household_types"], "urgency": s["urgencies"], "valid_from": s["valid_from"],
            "valid_until": s["valid_to"], "priority": s["priority"]}


def translate(src: str, out: str) -> dict:
    """Writes the dls folder; returns counts."""
    os.makedirs(out, exist_ok=True)
    munis = rows(src, "municipalities")
    regions = [{"id": r["region_code"], "name": r["name"],
                "municipalities": [m["municipality_code"] for m in munis if m["region_code"] == r["region_code"]]}
               for r in rows(src, "regions")]
    kernen = [{"id": k["kern_code"], "name": k["name"], "municipality": k["municipality_code"]}
              for k in rows(src, "kernen")]
    areas = {"municipality": [{"code": m["municipality_code"], "name": m["name"]} for m in munis],
             "kern": kernen, "region": regions}
    tax = rows(src, "taxonomy")
    domains, needs = {}, {}
    for t in tax:
        domains.setdefault(t["domain"], {"code": t["domain"], "label": t["domain"].replace("_", " ")})
        needs.setdefault(t["subdomain"], {"code": t["subdomain"],
                                          "label": t["subdomain"].split(".", 1)[1].replace("_", " ")})
    needs.update({t["need_code"]: {"code": t["need_code"], "label": t["label"]} for t in tax})
    taxonomy = {"domain": list(domains.values()), "need": list(needs.values())}
    orgs = [{"id": o["org_id"], "name": o["name"], "kind": "volunteer" if o["kind"].startswith("dls_") else "other"}
            for o in rows(src, "organisations")]
    services = rows(src, "services")
    households, urgencies = list(HOUSEHOLD_TYPES), list(URGENCIES)
    for s in services:  # any word a service uses is declared too
        households += [h for h in split(s["household_types"]) if h not in households]
        urgencies += [u for u in split(s["urgencies"]) if u not in urgencies]
    directory = {"organisation": orgs, "attribute": {
        "household": {"values": households},
        "urgency": {"values": [u for u in urgencies if u not in NATIONAL_URGENCIES]}}}
    for name, doc in (("areas", areas), ("taxonomy", taxonomy), ("directory", directory)):
        with open(os.path.join(out, f"{name}.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
    with open(os.path.join(out, "services.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, SERVICE_COLUMNS)
        w.writeheader()
        for s in services:
            w.writerow(service_row(s))
    return {"municipalities": len(munis), "kernen": len(kernen), "regions": len(regions),
            "needs": len(needs), "organisations": len(orgs), "services": len(services)}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(json.dumps(translate(sys.argv[1], sys.argv[2])))

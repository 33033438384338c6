"""Times loading a 15,000-service tabular directory and the HSDS round trip (release wheel)."""
import json, random, sys, time
from pathlib import Path
import dls
out = Path(sys.argv[1]); out.mkdir(exist_ok=True)
p = dls.demo.haarlemmermeer()
d = p.directory.to_dict(); d.pop("organisation", None); d.pop("service", None)
base = dls.Directory.parse(json.dumps(d), "json")
kernen = [k["id"] for k in d["kern"]]; munis = [m["code"] for m in d["municipality"]]
needs = [n["code"] for n in d["need"]]
rng = random.Random(1)
rows = ["id,organisation,name,needs,areas,age_min,age_max,priority"]
for i in range(15000):
    areas = ";".join(sorted({"kern:" + rng.choice(kernen) for _ in range(rng.randint(1, 3))})) if rng.random() < 0.6 else rng.choice(munis)
    lo = rng.choice(["", "4", "18", "65"]); hi = rng.choice(["", "27", "67"]) if lo in ("", "4", "18") else ""
    rows.append(f"s{i:05d},org,Service {i},{rng.choice(needs)},{areas},{lo},{hi},{rng.randint(0, 5)}")
(out / "services.csv").write_text("\n".join(rows) + "\n")
(out / "organisations.csv").write_text("id,name,kind\norg,Org,welfare\n")
def best(f, n=3):
    t = []
    for _ in range(n):
        s = time.perf_counter(); r = f(); t.append(time.perf_counter() - s)
    return min(t), r
t_tab, big = best(lambda: dls.Directory.from_tables(out, base))
t_exp, text = best(lambda: big.to_hsds())
(out / "export.json").write_text(text)
t_imp, back = best(lambda: dls.Directory.from_hsds(out / "export.json", base))
t_rs, rs = best(lambda: dls.RuleSet.parse(big, "strict = false\n", "toml", "r.toml"))
assert back.services == big.services
print(f"services={len(big.services)} from_tables={t_tab:.3f}s to_hsds={t_exp:.3f}s ({len(text)/1e6:.1f} MB) from_hsds={t_imp:.3f}s ruleset_with_coverage={t_rs:.3f}s")

"""Writes events.csv: realistic, fictional timelines for the Haarlemmermeer care pilot.

    python3 dls-core/data/haarlemmermeer/make_events.py

Deterministic (fixed seed). Uses the pilot's kernen, services, organisations and needs, and the
case ids of cases.json. Two periods: a baseline before DLS (March-August 2025, phase `baseline`)
and the pilot (March-August 2026, phase `pilot`), where the local steunpilaar is the front door:
first contact is quicker and referrals bounce less. Includes bounces, loops (kastje naar de
muur), escalations, reopenings and the legal clocks (Wmo melding/aanvraag/decision, Jeugdwet,
Wgs with threats of eviction), with suspensions and extensions.
"""

import datetime as dt
import json
import pathlib
import random
import tomllib

HERE = pathlib.Path(__file__).parent
rng = random.Random(394)

areas = tomllib.loads((HERE / "areas.toml").read_text())
KERNEN = [k["id"] for k in areas["kern"] if k["municipality"] == "GM0394"]
# Larger kernen get more cases.
WEIGHTS = {"hoofddorp": 30, "nieuw-vennep": 18, "badhoevedorp": 6, "zwanenburg": 4}

# need -> (right services, detours that do not cover it)
SERVICES = {
    "zorg.wmo.huishouden": ["wmo-loket"],
    "zorg.wmo.begeleiding": ["wmo-loket", "swt-regie"],
    "zorg.wmo.hulpmiddelen": ["wmo-loket"],
    "zorg.wmo.woningaanpassing": ["wmo-loket"],
    "zorg.wmo.beschermd_wonen": ["beschermd-wonen"],
    "zorg.ggz.basis": ["basis-ggz", "poh-ggz"],
    "zorg.eenzaamheid": ["maatjesproject"],
    "zorg.dementie": ["casemanagement-dementie"],
    "zorg.mantelzorg.ondersteuning": ["mantelzorgondersteuning"],
    "zorg.thuiszorg.wijkverpleging": ["polderzorg-wijkverpleging"],
    "jeugd.opvoedondersteuning": ["cjg-opvoedsteun", "jeugdteam"],
    "jeugd.jeugdhulp": ["jeugdteam"],
    "sociale_zaken.schulden.hulp": ["schuldhulp"],
    "sociale_zaken.administratie": ["formulierenhulp", "thuisadministratie"],
    "sociale_zaken.inkomen.toeslagen": ["toeslagenlijn"],
    "wonen.huisuitzetting": ["vroeg-eropaf", "schuldhulp-spoed"],
    "wonen.energie": ["energiecoach"],
}
DETOURS = ["wmo-loket", "formulierenhulp", "poh-ggz", "cjg-opvoedsteun", "participatieloket",
           "woonurgentie", "polderzorg-wijkverpleging", "schuldhulp"]
ORG = {
    "wmo-loket": "gem-haarlemmermeer", "participatieloket": "gem-haarlemmermeer",
    "woonurgentie": "gem-haarlemmermeer", "klachtenfunctionaris": "gem-haarlemmermeer",
    "swt-regie": "swt-haarlemmermeer", "formulierenhulp": "welzijn-meerwaarde",
    "maatjesproject": "welzijn-meerwaarde", "thuisadministratie": "humanitas-meer",
    "formulierenbrigade": "formulierenbrigade-bhd", "schuldhulp": "schuldhulp-meer",
    "schuldhulp-spoed": "schuldhulp-meer", "toeslagenlijn": "toeslagen-nl",
    "poh-ggz": "huisartsen-hlmmr", "basis-ggz": "ggz-polderland",
    "polderzorg-wijkverpleging": "polderzorg", "casemanagement-dementie": "dementienetwerk",
    "mantelzorgondersteuning": "mantelzorgcentrum", "cjg-opvoedsteun": "cjg-haarlemmermeer",
    "jeugdteam": "cjg-haarlemmermeer", "beschermd-wonen": "centrumgemeente-haarlem",
    "vroeg-eropaf": "meerwonen", "energiecoach": "energiecoaches",
}
SMALL_AREA = {
    "maatjesproject": {"hoofddorp", "nieuw-vennep", "badhoevedorp", "zwanenburg"},
    "energiecoach": {"hoofddorp", "nieuw-vennep", "badhoevedorp"},
}
REASONS = ["wrong_service", "not_eligible", "out_of_area", "full", "other_organisation_first",
           "incomplete_information"]
NEED_WEIGHTS = {
    "zorg.wmo.huishouden": 14, "zorg.wmo.begeleiding": 9, "zorg.wmo.hulpmiddelen": 8,
    "zorg.wmo.woningaanpassing": 4, "zorg.wmo.beschermd_wonen": 2, "zorg.ggz.basis": 7,
    "zorg.eenzaamheid": 6, "zorg.dementie": 4, "zorg.mantelzorg.ondersteuning": 4,
    "zorg.thuiszorg.wijkverpleging": 5, "jeugd.opvoedondersteuning": 6, "jeugd.jeugdhulp": 5,
    "sociale_zaken.schulden.hulp": 9, "sociale_zaken.administratie": 6,
    "sociale_zaken.inkomen.toeslagen": 3, "wonen.huisuitzetting": 3, "wonen.energie": 3,
}


def offset(t: dt.datetime) -> int:
    """Europe/Amsterdam offset in hours at a UTC instant (EU rule)."""
    y = t.year

    def last_sunday(m):
        d = dt.datetime(y, m + 1, 1) - dt.timedelta(days=1)
        return d - dt.timedelta(days=(d.weekday() + 1) % 7)

    start = last_sunday(3).replace(hour=1)
    end = last_sunday(10).replace(hour=1)
    return 2 if start <= t < end else 1


def stamp(t: dt.datetime) -> str:
    o = offset(t)
    return (t + dt.timedelta(hours=o)).strftime("%Y-%m-%dT%H:%M:%S") + f"+0{o}:00"


def office(t: dt.datetime) -> dt.datetime:
    """Moves an instant to a weekday between 08:00 and 17:00 UTC+1/2."""
    while t.weekday() >= 5:
        t += dt.timedelta(days=1)
    if t.hour < 7:
        t = t.replace(hour=7 + rng.randrange(2))
    if t.hour > 15:
        t = t.replace(hour=8 + rng.randrange(6)) + dt.timedelta(days=1)
        while t.weekday() >= 5:
            t += dt.timedelta(days=1)
    return t


rows = []


def case(cid, kern, need, opened: dt.datetime, phase, framework="", signals=""):
    pilot = phase == "pilot"
    t = opened
    ev = []

    def add(act, svc="", org="", need_="", reason=""):
        ev.append((t, act, org or (ORG.get(svc, "") if svc else ""), svc, need_, reason))

    add("opened", need_=need)
    first = ev[0]
    # First contact: the steunpilaar within days in the pilot; the municipality or the social
    # team, slower, before it.
    if rng.random() < (0.97 if pilot else 0.85):
        t = office(t + dt.timedelta(hours=rng.uniform(2, 60) if pilot else rng.uniform(24, 24 * 12)))
        add("first_contact", org="uw-lokale-steunpilaar" if pilot else rng.choice(
            ["gem-haarlemmermeer", "swt-haarlemmermeer"]))
    wmo = need.startswith("zorg.wmo") and rng.random() < 0.7
    jeugd = need.startswith("jeugd") and rng.random() < 0.6
    wgs = need.startswith("sociale_zaken.schulden") or framework == "wgs"
    right = [s for s in SERVICES[need] if kern in SMALL_AREA.get(s, {kern})]
    if wmo:
        t = office(t + dt.timedelta(days=rng.uniform(0, 3)))
        add("melding", "wmo-loket")
    # Referral chain: detours first.
    detours = rng.choices([0, 1, 2, 3], weights=[70, 22, 6, 2] if pilot else [35, 35, 20, 10])[0]
    tried = []
    for i in range(detours):
        if i == 2 and tried:
            svc = tried[0]  # back to the first: a loop
        else:
            svc = rng.choice([d for d in DETOURS if d not in SERVICES[need] and d not in tried])
        tried.append(svc)
        t = office(t + dt.timedelta(days=rng.uniform(0.2, 4)))
        add("referred", svc)
        t = office(t + dt.timedelta(days=rng.uniform(1, 15 if pilot else 25)))
        if rng.random() < 0.8:
            add("rejected", svc, reason=rng.choice(REASONS))
        else:
            add("no_response", svc)
        if i == 1 and rng.random() < 0.5:
            t = office(t + dt.timedelta(hours=2))
            add("escalated", org="uw-lokale-steunpilaar" if pilot else "ombudsman-meerregio")
    accepted = False
    if right:
        svc = rng.choice(right)
        t = office(t + dt.timedelta(days=rng.uniform(0.2, 3)))
        add("referred", svc)
        t = office(t + dt.timedelta(days=rng.uniform(1, 10 if pilot else 21)))
        if rng.random() < 0.9:
            add("accepted", svc, need_=need)
            accepted = True
        else:
            add("rejected", svc, reason="full")
            t = office(t + dt.timedelta(days=1))
            add("escalated", org="uw-lokale-steunpilaar" if pilot else "ombudsman-meerregio")
    if wgs:
        pass  # the Wgs clock runs from `opened` to the first contact
    if wmo or jeugd:
        svc = "wmo-loket" if wmo else "jeugdteam"
        t = office(t + dt.timedelta(days=rng.uniform(5, 45 if not pilot else 35)))
        add("aanvraag", svc)
        if rng.random() < 0.15:
            t = office(t + dt.timedelta(days=rng.uniform(1, 4)))
            add("clock_suspended", svc)
            t = office(t + dt.timedelta(days=rng.uniform(3, 12)))
            add("clock_resumed", svc)
        if jeugd and rng.random() < 0.2:
            t = office(t + dt.timedelta(days=rng.uniform(20, 50)))
            add("clock_extended", svc)
        if rng.random() < 0.93:
            days = rng.uniform(3, 16 if wmo else 60) * (1.0 if pilot else 1.3)
            t = office(t + dt.timedelta(days=days))
            add("decision", svc)
    if accepted and rng.random() < 0.85:
        t = office(t + dt.timedelta(days=rng.uniform(5, 60)))
        add("resolved", ev[-1][3] if ev[-1][3] else "")
        t = office(t + dt.timedelta(days=rng.uniform(0, 7)))
        add("closed")
        if rng.random() < (0.04 if pilot else 0.09):
            t = office(t + dt.timedelta(days=rng.uniform(10, 120)))
            add("reopened")
    muni = "GM0394"
    for i, (when, act, org, svc, n, reason) in enumerate(ev):
        attrs = (kern, muni, "zuid-kennemerland", phase, framework, signals) if i == 0 else ("",) * 6
        rows.append((cid, stamp(when), act, org, svc if act != "resolved" else "", attrs[0], n,
                     reason, attrs[1], attrs[2], attrs[3], attrs[4], attrs[5]))
    _ = first


def when(year: int) -> dt.datetime:
    d = dt.datetime(year, 3, 1) + dt.timedelta(days=rng.randrange(184), hours=7 + rng.uniform(0, 8))
    return office(d)


def pick_kern():
    return rng.choices(KERNEN, weights=[WEIGHTS.get(k, 1) for k in KERNEN])[0]


def pick_need():
    needs = list(NEED_WEIGHTS)
    return rng.choices(needs, weights=[NEED_WEIGHTS[n] for n in needs])[0]


def framework_of(need):
    if need.startswith("zorg.wmo"):
        return "wmo"
    if need.startswith("jeugd"):
        return "jeugdwet"
    if need.startswith("sociale_zaken.schulden"):
        return "wgs"
    return ""


# The pilot's sample cases first, with their own kern, primary need and opening date.
sample = json.loads((HERE / "cases.json").read_text())
for c in sample:
    need = next(n["need"] for n in c["needs"] if n.get("primary"))
    need = need if need in SERVICES else pick_need()
    attrs = c.get("attributes", {})
    fw = attrs.get("framework", "")
    fw = fw if fw in ("wmo", "jeugdwet", "wgs") else framework_of(need)
    signals = ";".join(attrs.get("signals", []))
    opened = dt.datetime.fromisoformat(c["opened"]) + dt.timedelta(hours=8, minutes=rng.randrange(300))
    case(c["id"], c["kern"] if c["kern"] in KERNEN else "hoofddorp", need, office(opened), "pilot",
         fw, signals)

n = 0
for year, phase, count in [(2025, "baseline", 170), (2026, "pilot", 170)]:
    for i in range(count):
        n += 1
        need = pick_need()
        fw = framework_of(need)
        signals = ""
        if fw == "wgs" and rng.random() < 0.3:
            signals = rng.choice(["rent_arrears;threatened_eviction", "energy_debt;cut_off"])
        case(f"hlmr-{year}-{1000 + i:04d}", pick_kern(), need, when(year), phase, fw, signals)

rows.sort(key=lambda r: r[0])  # stable: each case keeps its time order
header = ("case_id,timestamp,activity,organisation,service,kern,need,reason,municipality,region,"
          "phase,framework,signals")
with open(HERE / "events.csv", "w") as f:
    f.write(header + "\n")
    for r in rows:
        f.write(",".join(r) + "\n")
print(f"{len(sample) + n} cases, {len(rows)} events")

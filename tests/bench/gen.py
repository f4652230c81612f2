#!/usr/bin/env python3
"""gen.py: a realistic, deterministic noron knowledge base of N records.

    python3 tests/bench/gen.py N OUT.json [--seed-file data/seed.json] [--rng 2011]

Writes a noron JSON export ({"noron": "export", "version": 1, "records": [...]})
of exactly N records, the same bytes for the same N and --rng. `noron import
OUT.json` turns it into a cache (one history row per record); endpoint_load.py
loads the same file into an endpoint database.

What it holds, as a national library's knowledge base after fifteen years:
- the charter's records from data/seed.json (five institutions, the area tree,
  the meetings, projects and the fund), the yearly IT managers' meeting among
  them;
- more areas under the charter's seven groups (about one per thousand
  records), and a standing for every area and institution;
- people, skills and equipment, projects, events from 2012 to 2026 (a second
  yearly event among them), workshop proposals with every institution's vote
  (the scheduled ones linked both ways to their workshop), and funds;
- Nordic UTF-8 text (Danish, Swedish, Norwegian, Finnish, Icelandic) of the
  lengths people write: titles of a few words, descriptions of a paragraph.
Small N keeps the institutions, a part of the area tree and its standings, and
fills the rest in the same proportions.
"""

import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "..", "data", "seed.json")

WORDS = """
digitalisering bevaring arkiv samling katalog metadata formater lagring
migrering netarkiv høstning webarkiv pligtaflevering tilgængelighed brugere
forskning infrastruktur drift servere netværk sikkerhed backup udvikling
tjeneste platform kvalitet workflow mikrofilm scanning billeder lyd film
avis tidsskrift manuskript kort noder fotografi kulturarv samarbejde
digitalisering bevarande arkivering samlingar katalogisering tillgänglighet
användare forskare lagringsmiljö långtidsbevarande pliktleverans webbarkiv
insamling övervakning driftmiljö säkerhetskopiering utveckling förvaltning
bevaring digitalisering nettarkiv avleveringsplikt tilgjengelighet brukere
forskningsdata lagringsløsning fjernlager driftsmiljø overvåking språkbank
digitointi säilytys arkisto kokoelma luettelointi kuvailu tallennus
verkkoarkisto vapaakappale saatavuus käyttäjät tutkimus palvelu ylläpito
tietoturva varmuuskopio kehitys kansalliskirjasto pitkäaikaissäilytys
stafræn varðveisla safn skráning lýsigögn geymsla vefsafn skylduskil
aðgengi notendur rannsóknir þjónusta rekstur öryggi afritun þróun handrit
""".split()

GLUE = """og i på for med til af at det som en et er vi har skal kan
och i på för med till av att det som en ett är vi har ska kan
og i på for med til av at det som en et er vi har skal kan
ja on ei se joka kanssa myös sekä kun
og í á fyrir með til af að það sem er við höfum""".split()

FIRST = """Anders Anne Birgitte Bjørn Camilla Dorthe Eva Frederik Gunnhild Hanne
Ingrid Jens Jóhanna Kari Kristín Lars Lena Magnús Maija Mette Niklas Nils
Oddný Päivi Ragnheiður Sigrún Sólveig Søren Tuomas Ulla Åsa Øystein Þórunn
Jukka Liisa Helga Gunnar Kjell Marjatta Eero Åke Björk Dagný Frøydis""".split()

LAST = """Andersen Berg Christensen Dahl Eriksson Fjeld Guðmundsdóttir Hansen
Halvorsen Hämäläinen Jónsson Karlsson Korhonen Lindqvist Mäkinen Nielsen
Nyström Ólafsson Pedersen Rasmussen Sigurðsson Strøm Söderberg Virtanen
Þorsteinsson Øberg Åberg Lehtinen Bergström Jakobsen Kristjánsdóttir""".split()

ROLES = ["IT-chef", "systemudvikler", "driftstekniker", "arkivarie",
         "utvecklare", "systemförvaltare", "IT-sjef", "seniorrådgiver",
         "tietojärjestelmäasiantuntija", "kehittäjä", "kerfisstjóri",
         "verkefnastjóri", "head of digital services", "data engineer"]

PLACES = ["København", "Aarhus", "Stockholm", "Göteborg", "Oslo",
          "Mo i Rana", "Helsinki", "Mikkeli", "Reykjavík", "Akureyri",
          "Tromsø", "Uppsala", "Turku", "Online"]

FORMATS = ["workshop", "seminar", "hands-on session", "study visit",
           "webinar", "half-day workshop"]


class Gen:
    def __init__(self, rng, seed_records):
        self.r = random.Random(rng)
        self.seed = seed_records
        self.out = []

    # -- text ----------------------------------------------------------
    def words(self, lo, hi):
        n = self.r.randint(lo, hi)
        ws = [self.r.choice(WORDS) if self.r.random() < 0.7
              else self.r.choice(GLUE) for _ in range(n)]
        return " ".join(ws)

    def title(self, lo=2, hi=6):
        t = self.words(lo, hi)
        return t[0].upper() + t[1:]

    def paragraph(self, lo=20, hi=220):
        sentences, left = [], self.r.randint(lo, hi)
        while left > 0:
            n = min(left, self.r.randint(6, 18))
            sentences.append(self.title(n, n) + ".")
            left -= n
        text = " ".join(sentences)
        if self.r.random() < 0.2:
            text += "\n\n" + self.title(8, 20) + "."
        return text

    def name(self):
        return f"{self.r.choice(FIRST)} {self.r.choice(LAST)}"

    # -- values --------------------------------------------------------
    def hexid(self, kind):
        return f"{kind}:{self.r.getrandbits(128):032x}"

    def day(self, y0=2012, y1=2026):
        y = self.r.randint(y0, y1)
        return f"{y:04d}-{self.r.randint(1, 12):02d}-{self.r.randint(1, 26):02d}"

    def stamp(self, after="2011-03-18"):
        d = self.day(max(int(after[:4]), 2011), 2026)
        if d < after:
            d = after
        return f"{d}T{self.r.randint(6, 18):02d}:{self.r.randint(0, 59):02d}:00Z"

    def add(self, kind, fields, rid=None):
        created = self.stamp()
        rec = {"_id": rid or self.hexid(kind), "type": kind}
        rec.update({k: v for k, v in fields.items() if v is not None})
        rec["created_at"] = created
        rec["updated_at"] = self.stamp(created[:10]) if self.r.random() < 0.4 else created
        rec["updated_by"] = f"{self.r.choice(FIRST).lower()}@{self.r.choice(self.insts)[12:]}"
        self.out.append(rec)
        return rec["_id"]

    # -- the fixed part: institutions, areas, standings ----------------
    def fixed(self, n):
        self.insts = [r["_id"] for r in self.seed if r["type"] == "institution"]
        areas = [r for r in self.seed if r["type"] == "area"]
        roots = [a for a in areas if not a.get("parent")]
        # Up to a third of the records go to the tree and its standings.
        per_area = len(self.insts) + 1
        budget = max(len(roots), n // 3 // per_area)
        keep = roots + [a for a in areas if a.get("parent")]
        keep = keep[:budget]
        extra = max(0, min(n // 1000, budget) - len(keep))
        taken = set(a["_id"] for a in keep)
        others = [r for r in self.seed if r["type"] not in ("area",)]
        self.out.extend(r for r in self.seed if r["type"] == "institution")
        self.out.extend(keep)
        self.areas = [a["_id"] for a in keep]
        for i in range(extra):
            parent = self.r.choice(roots)["_id"]
            self.areas.append(self.add("area", {
                "title": self.title(2, 4), "parent": parent,
                "description": self.paragraph(20, 90), "position": 10 + i}))
        for a in self.areas:
            key = a.split(":", 1)[1]
            for inst in self.insts:
                lv = self.r.choice(["none", "planned", "started", "operational",
                                    "advanced"])
                self.add("standing", {
                    "area": a, "institution": inst, "level": lv,
                    "priority": self.r.random() < 0.15,
                    "note": self.paragraph(5, 60) if self.r.random() < 0.6 else None},
                    rid=f"standing:{key}:{inst.split(':', 1)[1]}")
        # The charter's events, projects and fund, when they fit.
        for r in others:
            if r["type"] != "institution" and len(self.out) < n:
                refs = [x for x in r.get("areas", []) if x not in taken]
                if not refs:
                    self.out.append(r)

    # -- the rest ------------------------------------------------------
    def person(self):
        nm = self.name()
        inst = self.r.choice(self.insts)
        mail = "".join(c for c in nm.lower() if c.isascii() and (c.isalnum() or c == " "))
        self.people.append(self.add("person", {
            "name": nm, "institution": inst, "role": self.r.choice(ROLES),
            "email": mail.replace(" ", ".") + "@" + inst[12:] + ".example"}))

    def skill(self):
        self.add("skill", {
            "topic": self.title(1, 4),
            "kind": self.r.choice(["skill", "skill", "equipment", "service"]),
            "person": self.r.choice(self.people) if self.people else None,
            "institution": self.r.choice(self.insts),
            "area": self.r.choice(self.areas),
            "level": self.r.choice(["basic", "practitioner", "expert"]),
            "exchange": self.r.random() < 0.3,
            "note": self.paragraph(5, 80) if self.r.random() < 0.5 else None})

    def project(self):
        start = self.day(2011, 2026)
        self.add("project", {
            "title": self.title(2, 7),
            "status": self.r.choice(["idea", "planned", "ongoing", "completed",
                                     "cancelled"]),
            "areas": self.r.sample(self.areas, min(len(self.areas), self.r.randint(1, 3))),
            "institutions": self.r.sample(self.insts, self.r.randint(1, 5)),
            "lead": self.r.choice(self.insts), "contact": self.name(),
            "start": start,
            "end": max(start, self.day(int(start[:4]), 2028)) if self.r.random() < 0.5 else None,
            "funding": self.title(2, 4) if self.r.random() < 0.3 else None,
            "help_wanted": self.r.random() < 0.2,
            "description": self.paragraph(30, 250)})

    def event(self, kind=None, start=None, proposal=None, repeat=None):
        kind = kind or self.r.choice(["meeting", "conference", "workshop",
                                      "visit", "deadline"])
        start = start or self.day()
        end = None
        if self.r.random() < 0.35:
            h = self.r.randint(8, 15)
            end = f"{start}T{h + self.r.randint(1, 3):02d}:00:00Z"
            start = f"{start}T{h:02d}:00:00Z"
        elif self.r.random() < 0.3:
            end = start[:8] + f"{int(start[8:10]) + self.r.randint(0, 2):02d}"
        return self.add("event", {
            "title": self.title(2, 7), "kind": kind, "start": start, "end": end,
            "repeat": repeat,
            "location": self.r.choice(PLACES), "host": self.r.choice(self.insts),
            "areas": self.r.sample(self.areas, min(len(self.areas), self.r.randint(0, 2))),
            "url": "https://example.org/" + start[:10] if self.r.random() < 0.3 else None,
            "proposal": proposal,
            "description": self.paragraph(10, 150)})

    def proposal(self, with_event):
        status = self.r.choice(["new", "new", "review", "accepted", "declined",
                                "deferred"])
        votes = {i: self.r.choice([-1, 0, 1, 1]) for i in self.insts
                 if self.r.random() < 0.6}
        rec_id = self.hexid("proposal")
        event = None
        if with_event:
            status = "scheduled"
            event = self.event("workshop", proposal=rec_id)
        self.add("proposal", {
            "title": self.title(3, 8), "area": self.r.choice(self.areas),
            "proposer": self.name(), "institution": self.r.choice(self.insts),
            "format": self.r.choice(FORMATS), "abstract": self.paragraph(30, 200),
            "status": status, "votes": votes, "event": event,
            "triage_note": self.title(3, 10) if status == "declined" else None},
            rid=rec_id)

    def fund(self):
        self.add("fund", {
            "name": self.title(2, 5), "url": "https://example.org/fund",
            "deadline": self.day(2012, 2027), "scope": self.title(3, 8),
            "note": self.paragraph(10, 80)})

    def fill(self, n):
        self.people = []
        if len(self.out) < n:
            self.event("meeting", "2013-09-16", repeat="yearly")
        left = n - len(self.out)
        # People first (skills name them), then the rest in shuffled order.
        for _ in range(max(1, left // 10) if left > 0 else 0):
            self.person()
        left = n - len(self.out)
        plan = [(self.skill, 25), (self.project, 6), (self.event, 32),
                (lambda: self.proposal(False), 17),
                (lambda: self.proposal(True), 3), (self.fund, 1)]
        total = sum(w for _, w in plan)
        steps = []
        for fn, w in plan:
            steps += [fn] * (left * w // total)
        self.r.shuffle(steps)
        for s in steps:
            if len(self.out) >= n:
                break
            s()
        while len(self.out) < n:
            self.skill()
        # A scheduled proposal writes two records: the last one may overshoot.
        del self.out[n:]
        self.out = relink(self.out)


def relink(records):
    """Drops links to records that did not fit (the last pair cut by N)."""
    ids = set(r["_id"] for r in records)
    for r in records:
        for f in ("event", "proposal"):
            if r.get(f) and r[f] not in ids:
                del r[f]
                if r["type"] == "proposal":
                    r["status"] = "accepted"
    return records


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed-file", default=SEED)
    ap.add_argument("--rng", type=int, default=2011)
    a = ap.parse_args()
    with open(a.seed_file, encoding="utf-8") as f:
        seed = json.load(f)["records"]
    g = Gen(a.rng, seed)
    g.fixed(a.n)
    g.fill(a.n)
    g.out.sort(key=lambda r: r["_id"])
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write('{"noron": "export", "version": 1, "records": [\n')
        for i, r in enumerate(g.out):
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True))
            f.write(",\n" if i + 1 < len(g.out) else "\n")
        f.write("]}\n")
    os.replace(tmp, a.out)
    kinds = {}
    for r in g.out:
        kinds[r["type"]] = kinds.get(r["type"], 0) + 1
    print(f"gen.py: {len(g.out)} records: " +
          ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())), file=sys.stderr)


if __name__ == "__main__":
    main()

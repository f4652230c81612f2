#!/usr/bin/env python3
# tests/torture/torture.py: crash safety of the command line and the sync.
#
# Random edits (add, set, delete, undo, triage accept/decline/defer/review and
# vote, import of a small JSON export or .ics file) and syncs run on two
# caches that share a PouchDB Server, and at random moments the command is
# killed with SIGKILL (noron and what it started: the sync and the .ics
# import run in noron-io, so the whole session gets the signal). A ledger
# keeps what each field of each record should hold. After every kill:
#   - PRAGMA integrity_check of the cache is ok, and the next noron opens it;
#   - the killed command's edit is whole or absent, never half (its ledger
#     entry then follows what the cache shows);
#   - every edit whose command exited 0 is in the cache with its value;
#   - a killed import run again adds only what the killed run did not.
# A few kills land while a new cache is being made (its seed must be whole).
# At the end, syncs without kills make both caches and the endpoint equal
# (every document body by id), with no record twice, nothing unsynced and no
# conflict, and every ledger value is on the endpoint.
#
# Each cache edits only its own records (and its own vote on any proposal),
# as people of two libraries do, so the sync never meets a real conflict:
# any conflict or lost value is a bug. The seed (printed) fixes every choice
# and every kill delay as a fraction of the command's usual run time; the
# moments the kills land at still vary with the machine's load.
#
# Run by tests/torture/test_cli_sync.sh inside the directory of
# tests/sync/lib.sh (its caches, configs, transcript and sc.py).
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tortlib as tl  # noqa: E402

KEY = {"person": "name", "project": "title", "fund": "name", "event": "title",
       "proposal": "title"}
CHOICES = {
    ("project", "status"): ["idea", "planned", "ongoing", "completed", "cancelled"],
    ("event", "kind"): ["meeting", "conference", "workshop", "visit", "deadline"],
}
# The fields a set may change, with their kind; "!" marks a required one.
SETTABLE = {
    "person": {"name": "!key", "role": "text", "email": "email"},
    "project": {"title": "!key", "status": "!choice", "funding": "text",
                "contact": "text", "start": "date"},
    "fund": {"name": "!key", "scope": "text", "note": "long", "deadline": "date",
             "url": "url"},
    "event": {"title": "!key", "kind": "!choice", "start": "!date", "location": "text",
              "description": "long"},
    "proposal": {"title": "!key", "proposer": "text", "format": "text", "abstract": "long"},
}
STATUS_OF = {"accept": "accepted", "decline": "declined", "defer": "deferred",
             "review": "review"}
WORDS = ["Ærø", "Þórshöfn", "Åbo", "Göteborg", "«quoted»", "Lämmin 'kahvi'", "a, b; c",
         "Ísafjörður", "Øresund", "x=y", "tab-free", "ĳssel", "naïve", "100 %"]


class Rec:
    """What one record should hold: the fields its owner set, and each
    institution's vote (each vote is owned by the cache of that institution)."""

    def __init__(self, rid, rtype, owner, protected=False):
        self.id, self.type, self.owner = rid, rtype, owner
        self.fields = {}
        self.deleted = True
        self.votes = {}
        self.protected = protected


class Snap:
    """A part of a record's state: deleted or not, some fields, some votes."""

    def __init__(self, deleted, fields=None, votes=None):
        self.deleted, self.fields, self.votes = deleted, dict(fields or {}), dict(votes or {})


class Change:
    """One record's move from before to after; rid None for a new record,
    found by its key (type, key field value) until its id is known."""

    def __init__(self, rid, before, after, rtype=None, key=None):
        self.rid, self.before, self.after = rid, before, after
        self.rtype, self.key = rtype, key


class Op:
    def __init__(self, cache, args, kind, changes=(), undoable=True, retry=False,
                 protected=False, pops=False):
        self.cache, self.args, self.kind = cache, args, kind
        self.changes = list(changes)
        self.undoable, self.retry, self.protected, self.pops = undoable, retry, protected, pops


class Cache:
    def __init__(self, name, inst):
        self.name, self.inst = name, inst
        self.stack = []  # committed batches (lists of Change), newest last, with undoable


class Torture:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.sc = tl.load_sc(a.dir)
        self.nr = tl.Noron(a.noron, a.dir)
        self.rep = tl.Report()
        self.caches = [Cache(n, "institution:" + (tl.config_value(a.dir, n, "institution")
                                                  or "kb-se")) for n in a.caches]
        self.recs = {}
        self.counter = 0
        self.est = {"edit": 40.0, "sync": 800.0, "import": 60.0}
        self.stats = dict(kills=0, edit_kills=0, sync_kills=0, create_kills=0, edits=0,
                          whole=0, absent=0, half=0, lost=0, dups=0, integrity=0,
                          integrity_ok=0, opens=0, opens_ok=0, checks=0, ops=0, syncs=0)
        self.conflicts_seen = set()

    # ------------------------------------------------------------ values

    def uniq(self, what):
        self.counter += 1
        return "%s %s %d-%d" % (what, self.rng.choice(WORDS), self.a.seed % 100000,
                                self.counter)

    def value(self, rtype, field, kind, now=None):
        kind = kind.lstrip("!")
        r = self.rng
        if kind == "key":
            return self.uniq(rtype.capitalize())
        if kind == "choice":
            return r.choice([c for c in CHOICES[(rtype, field)] if c != now])
        if kind == "date":
            while True:
                d = "20%02d-%02d-%02d" % (r.randrange(25, 40), r.randrange(1, 13),
                                          r.randrange(1, 29))
                if d != now:
                    return d
        if kind == "email":
            return "p%d@example.org" % self.next_n()
        if kind == "url":
            return "https://example.org/t/%d" % self.next_n()
        if kind == "long":
            n = self.next_n()
            if r.random() < 0.2:  # a long one: a bigger transaction
                return ("%d " % n) + " ".join(r.choice(WORDS) for _ in range(400))
            return "%s %d, %s" % (r.choice(WORDS), n, r.choice(WORDS))
        return "%s %d" % (r.choice(WORDS), self.next_n())

    def next_n(self):
        self.counter += 1
        return self.counter

    def new_fields(self, rtype, cache):
        f = {KEY[rtype]: self.uniq(rtype.capitalize())}
        if rtype == "person":
            f.update(institution=cache.inst, role=self.value(rtype, "role", "text"),
                     email=self.value(rtype, "email", "email"))
        elif rtype == "project":
            f.update(status=self.value(rtype, "status", "choice"),
                     funding=self.value(rtype, "funding", "text"),
                     start=self.value(rtype, "start", "date"))
        elif rtype == "fund":
            f.update(scope=self.value(rtype, "scope", "text"),
                     deadline=self.value(rtype, "deadline", "date"))
        elif rtype == "event":
            f.update(kind=self.value(rtype, "kind", "choice"),
                     start=self.value(rtype, "start", "date"),
                     location=self.value(rtype, "location", "text"))
        elif rtype == "proposal":
            f.update(proposer=self.value(rtype, "proposer", "text"),
                     abstract=self.value(rtype, "abstract", "long"), status="new")
        return f

    # ------------------------------------------------------------ ops

    def live_owned(self, cache, types=None, deletable=False):
        return [r for r in self.recs.values() if r.owner == cache.name and not r.deleted
                and (types is None or r.type in types)
                and not (deletable and r.protected)]

    def op_add(self, cache, rtype=None, protected=False):
        rtype = rtype or self.rng.choice(["person", "project", "fund", "event"])
        f = self.new_fields(rtype, cache)
        args = ["add", rtype] + ["%s=%s" % kv for kv in f.items()]
        ch = Change(None, Snap(True), Snap(False, f), rtype, (KEY[rtype], f[KEY[rtype]]))
        return Op(cache, args, "add", [ch], undoable=not protected, protected=protected)

    def op_set(self, cache):
        recs = self.live_owned(cache)
        if not recs:
            return None
        rec = self.rng.choice(recs)
        table = SETTABLE[rec.type]
        names = self.rng.sample(sorted(table), self.rng.randint(1, min(3, len(table))))
        new = {}
        for n in names:
            now = rec.fields.get(n)
            if not table[n].startswith("!") and now is not None and self.rng.random() < 0.2:
                new[n] = None  # FIELD= empties it
            else:
                new[n] = self.value(rec.type, n, table[n], now)
        args = ["set", rec.id] + ["%s=%s" % (k, "" if v is None else v) for k, v in new.items()]
        before = Snap(False, {k: rec.fields.get(k) for k in new})
        return Op(cache, args, "edit", [Change(rec.id, before, Snap(False, new))])

    def op_delete(self, cache):
        recs = self.live_owned(cache, deletable=True)
        if not recs:
            return None
        rec = self.rng.choice(recs)
        return Op(cache, ["delete", rec.id], "edit",
                  [Change(rec.id, Snap(False, rec.fields), Snap(True))])

    def op_undo(self, cache):
        if not cache.stack or not cache.stack[-1][1]:
            return None
        batch = cache.stack[-1][0]
        changes = [Change(c.rid, c.after, c.before) for c in reversed(batch)]
        return Op(cache, ["undo"], "edit", changes, pops=True)

    def op_triage(self, cache):
        props = self.live_owned(cache, ["proposal"])
        if not props:
            return None
        rec = self.rng.choice(props)
        act = self.rng.choice([a for a in STATUS_OF if STATUS_OF[a] != rec.fields.get("status")])
        new = {"status": STATUS_OF[act]}
        args = ["triage", rec.id, act]
        if act == "decline" and self.rng.random() < 0.6:
            new["triage_note"] = self.value("proposal", "triage_note", "text")
            args += ["--reason", new["triage_note"]]
        before = Snap(False, {k: rec.fields.get(k) for k in new})
        return Op(cache, args, "edit", [Change(rec.id, before, Snap(False, new))])

    def op_vote(self, cache):
        there = tl.rows(self.nr.db(cache.name), where="type = 'proposal' and deleted = 0")
        props = [self.recs[i] for i in sorted(there) if i in self.recs]
        if not props:
            return None
        rec = self.rng.choice(props)
        now = rec.votes.get(cache.inst)
        v = self.rng.choice([x for x in (-1, 0, 1) if x != now])
        ch = Change(rec.id, Snap(False, votes={cache.inst: now}),
                    Snap(False, votes={cache.inst: v}))
        return Op(cache, ["triage", rec.id, "vote", "%+d" % v if v else "0"], "edit", [ch],
                  undoable=False)

    def op_import(self, cache):
        n = self.rng.randint(1, 3)
        self.counter += 1
        ics = self.rng.random() < 0.5
        path = os.path.join(self.a.dir, "import-%d.%s" % (self.counter, "ics" if ics else "json"))
        changes = []
        if ics:
            lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//noron torture//EN"]
            for i in range(n):
                # an event without CATEGORIES comes in as a meeting
                f = {"title": self.uniq("Imported event"), "start": self.value("event", "start", "date"),
                     "location": self.value("event", "location", "text"), "kind": "meeting"}
                lines += ["BEGIN:VEVENT", "UID:torture-%d-%d-%d@example.org" % (self.a.seed, self.counter, i),
                          "DTSTAMP:20300101T000000Z",
                          "DTSTART;VALUE=DATE:" + f["start"].replace("-", ""),
                          "SUMMARY:" + ics_text(f["title"]), "LOCATION:" + ics_text(f["location"]),
                          "END:VEVENT"]
                changes.append(Change(None, Snap(True), Snap(False, f), "event", ("title", f["title"])))
            lines.append("END:VCALENDAR")
            with open(path, "w", encoding="utf-8", newline="") as fp:
                fp.write("\r\n".join(lines) + "\r\n")
        else:
            recs = []
            for i in range(n):
                rtype = self.rng.choice(["fund", "person"])
                f = self.new_fields(rtype, cache)
                rid = "%s:%032x" % (rtype, self.rng.getrandbits(128))
                recs.append(dict(f, _id=rid, type=rtype))
                changes.append(Change(None, Snap(True), Snap(False, f), rtype, (KEY[rtype], f[KEY[rtype]])))
            with open(path, "w", encoding="utf-8") as fp:
                json.dump({"noron": "export", "version": 1, "records": recs}, fp, ensure_ascii=False)
        return Op(cache, ["import", path], "import", changes, retry=True)

    def op_sync(self, cache):
        return Op(cache, ["sync"], "sync")

    def pick_op(self, cache):
        table = [(self.op_add, 18), (self.op_set, 30), (self.op_delete, 7), (self.op_undo, 9),
                 (self.op_triage, 5), (self.op_vote, 8), (self.op_import, 6), (self.op_sync, 14)]
        while True:
            fn = self.rng.choices([f for f, _ in table], [w for _, w in table])[0]
            op = fn(cache)
            if op:
                return op

    # ------------------------------------------------------------ the ledger

    def matches(self, row, snap):
        """True when a cache row (body, deleted) shows snap."""
        if snap.deleted:
            return row is None or bool(row[1])
        if row is None or row[1]:
            return False
        body = row[0]
        if any(body.get(k) != v for k, v in snap.fields.items()):
            return False
        votes = body.get("votes") if isinstance(body.get("votes"), dict) else {}
        return all(votes.get(k) == v for k, v in snap.votes.items())

    def find_by_key(self, db, rtype, key):
        field, value = key
        got = tl.rows(db, where="type = ? and deleted = 0 and json_extract(body, '$.' || ?) = ?",
                      params=(rtype, field, value))
        return sorted(got)

    def probe(self, op):
        """Whether a killed op's edit is in the cache: "whole", "absent" or
        "half", with a detail, and the ids of its new records."""
        db = self.nr.db(op.cache.name)
        states, ids = [], []
        for c in op.changes:
            if c.rid is None:
                found = self.find_by_key(db, c.rtype, c.key)
                if len(found) > 1:
                    self.stats["dups"] += 1
                    return "half", "%s %r is there %d times: %s" % (c.rtype, c.key[1], len(found), found), ids
                if not found:
                    states.append("before")
                    ids.append(None)
                    continue
                row = tl.rows(db, ids={found[0]}, where="id = ?", params=(found[0],)).get(found[0])
                ids.append(found[0])
                states.append("after" if self.matches(row, c.after) else "other:%s" % json.dumps(row[0], ensure_ascii=False)[:300])
                continue
            row = tl.rows(db, where="id = ?", params=(c.rid,)).get(c.rid)
            ids.append(c.rid)
            if self.matches(row, c.after):
                states.append("after")
            elif self.matches(row, c.before):
                states.append("before")
            else:
                states.append("other:%s" % (json.dumps(row[0], ensure_ascii=False)[:300] if row else "no row"))
        if all(s == "after" for s in states):
            return "whole", "", ids
        if all(s == "before" for s in states):
            return "absent", "", ids
        return "half", "; ".join("%s: %s" % (c.rid or c.key[1], s) for c, s in zip(op.changes, states)), ids

    def commit(self, op, ids):
        """The op's edit is in the cache: the ledger follows."""
        for c, rid in zip(op.changes, ids):
            if c.rid is None:
                c.rid = rid
                self.recs[rid] = Rec(rid, c.rtype, op.cache.name, op.protected)
            rec = self.recs[c.rid]
            rec.deleted = c.after.deleted
            for k, v in c.after.fields.items():
                rec.fields[k] = v
            rec.votes.update(c.after.votes)
        if op.pops:
            op.cache.stack.pop()
        elif op.kind in ("add", "edit", "import"):
            op.cache.stack.append((op.changes, op.undoable))
        self.stats["edits"] += op.kind != "sync"

    def verify(self, db, owner=None, where=""):
        """Ledger values missing from a cache (owner: only what that cache
        wrote) or from the endpoint (db None); each is one lost value."""
        if db is None:
            docs = self.sc.endpoint_docs(self.a.url)
            have = {i: (d, 0) for i, d in docs.items()}
        else:
            have = {i: (b, d) for i, (b, d, _) in tl.rows(db).items()}
        lost = []
        inst = None
        if owner is not None:
            inst = next(c.inst for c in self.caches if c.name == owner)
        for rec in self.recs.values():
            row = have.get(rec.id)
            if owner is None or rec.owner == owner:
                snap = Snap(rec.deleted, rec.fields)
                if not self.matches(row, snap):
                    lost.append("%s (%s's): want %s, %s holds %s" % (
                        rec.id, rec.owner, "deleted" if rec.deleted else json.dumps(rec.fields, ensure_ascii=False)[:200],
                        where, "nothing" if row is None else "a tombstone" if row[1]
                        else json.dumps({k: row[0].get(k) for k in rec.fields}, ensure_ascii=False)[:200]))
            votes = {k: v for k, v in rec.votes.items() if owner is None or k == inst}
            if votes and not rec.deleted and not self.matches(row, Snap(False, votes=votes)):
                lost.append("%s: votes %s, %s holds %s" % (rec.id, votes, where,
                                                          None if row is None else row[0].get("votes")))
        self.stats["checks"] += 1
        return lost

    def check_ledger(self, cache, what):
        lost = self.verify(self.nr.db(cache.name), cache.name, cache.name)
        self.stats["lost"] += len(lost)
        if lost:
            self.rep.not_ok("%s: every edit that returned is in %s (%d missing)" % (what, cache.name, len(lost)),
                            "\n".join(lost[:10]))
        return not lost

    # ------------------------------------------------------------ running

    def run_op(self, op, kill):
        cls = op.kind if op.kind in self.est else "edit"
        delay = None
        if kill:  # half anywhere in its usual run, half near its end, where it writes
            f = self.rng.random() * 1.3 if self.rng.random() < 0.5 else 0.6 + self.rng.random() * 0.5
            delay = f * self.est[cls] / 1000.0
        res = self.nr.run(op.cache.name, op.args, kill_after=delay)
        self.stats["ops"] += 1
        with open(os.path.join(self.a.dir, "ops.log"), "a", encoding="utf-8") as f:
            f.write("%s %s -> %s%s\n" % (op.cache.name, " ".join(op.args), res.rc,
                                         " (killed after %.0f ms)" % (delay * 1000) if res.killed else ""))
        if not res.killed and res.rc == 0:
            self.est[cls] = 0.8 * self.est[cls] + 0.2 * res.ms
        return res, delay

    def show(self, op):
        s = " ".join(op.args)
        return "noron(%s) %s" % (op.cache.name, s if len(s) < 90 else s[:87] + "...")

    def done_ok(self, op, res):
        """A run that was not killed: it must have worked."""
        why = tl.crashed(res)
        if op.kind == "sync" and res.rc == 3 and not why:
            self.report_conflicts(op)
            return False
        if why or res.rc != 0:
            self.rep.not_ok("%s: exit 0 expected (%s)" % (self.show(op), why or "exit %d" % res.rc),
                            (res.out + res.err)[:2000])
            return False
        if op.kind == "sync":
            self.stats["syncs"] += 1
            return True
        if op.pops and not res.out.startswith("undid"):
            self.rep.not_ok("%s: undoes the last edit" % self.show(op), res.out + res.err)
            return False
        ids = []
        for c in op.changes:
            if c.rid is not None:
                ids.append(c.rid)
                continue
            found = self.find_by_key(self.nr.db(op.cache.name), c.rtype, c.key)
            if len(found) != 1:
                self.stats["dups" if found else "lost"] += 1
                self.rep.not_ok("%s: the new %s %r is in the cache once (found %d)" % (
                    self.show(op), c.rtype, c.key[1], len(found)), res.out)
                return False
            ids.append(found[0])
        if op.kind == "add" and res.out.split("\n")[0].strip() != ids[0]:
            self.rep.not_ok("%s: prints the new id %s" % (self.show(op), ids[0]), res.out)
        self.commit(op, ids)
        return True

    def report_conflicts(self, op):
        """A sync left conflicts (exit 3): none can arise here, each is a bug;
        each is reported once, when it first shows."""
        res = self.nr.run(op.cache.name, ["conflicts", "--json"])
        try:
            found = json.loads(res.out)["conflicts"]
        except (ValueError, KeyError, TypeError):
            found = [{"id": "?", "fields": res.out[:200]}]
        new = [c for c in found if (op.cache.name, c.get("id")) not in self.conflicts_seen]
        for c in new:
            self.conflicts_seen.add((op.cache.name, c.get("id")))
            self.rep.not_ok("%s: a conflict where none can be: %s in %s" % (
                self.show(op), c.get("id"), c.get("fields")),
                json.dumps(c, ensure_ascii=False)[:1500])

    def after_kill(self, op, res, delay):
        """The checks after a kill; the ledger takes what the cache shows."""
        self.stats["kills"] += 1
        self.stats["sync_kills" if op.kind == "sync" else "edit_kills"] += 1
        k = self.stats["kills"]
        db = self.nr.db(op.cache.name)
        good, text = tl.integrity(db)
        self.stats["integrity"] += 1
        self.stats["integrity_ok"] += good
        opened = self.nr.run(op.cache.name, ["status", "--json"])
        self.stats["opens"] += 1
        try:
            json.loads(opened.out)
            opens = opened.rc == 0
        except ValueError:
            opens = False
        self.stats["opens_ok"] += opens
        what = "kill %d: %s after %.0f ms" % (k, self.show(op), delay * 1000)
        state = "-"
        if op.kind != "sync":
            state, detail, ids = self.probe(op)
            self.stats[{"whole": "whole", "absent": "absent", "half": "half"}[state]] += 1
            if state == "half":
                self.rep.not_ok("%s: the edit is whole or absent, not half" % what, detail)
            elif state == "whole":
                self.commit(op, ids)
        fine = self.check_ledger(op.cache, what)
        if good and opens and state != "half" and fine:
            self.rep.ok("%s: integrity ok, the cache opens, %s; %s's %d records hold" % (
                what, {"whole": "the edit is there whole", "absent": "the edit is not there",
                       "-": "the sync was cut off"}[state],
                op.cache.name, sum(1 for r in self.recs.values() if r.owner == op.cache.name)))
        else:
            if not good:
                self.rep.not_ok("%s: PRAGMA integrity_check is ok" % what, text)
            if not opens:
                self.rep.not_ok("%s: the next noron opens the cache" % what, opened.out + opened.err)
        if op.retry:
            self.retry_import(op, state)
        elif op.kind == "add" and state == "absent":
            # a careful person adds again what is not there
            again = Op(op.cache, op.args, op.kind, [Change(None, c.before, c.after, c.rtype, c.key)
                                                    for c in op.changes], op.undoable, protected=op.protected)
            res2, _ = self.run_op(again, False)
            self.done_ok(again, res2)

    def retry_import(self, op, state):
        """A killed import run again adds just what the killed one did not."""
        again = Op(op.cache, op.args, op.kind, [Change(None, c.before, c.after, c.rtype, c.key)
                                                for c in op.changes])
        res, _ = self.run_op(again, False)
        want = "0 added" if state == "whole" else "%d added" % len(op.changes)
        if tl.crashed(res) or res.rc != 0 or want not in res.out:
            self.rep.not_ok("%s run again after the kill: exit 0 and '%s'" % (self.show(op), want),
                            res.out + res.err)
            return
        if state == "whole":
            return  # nothing new: no batch of its own to undo
        self.done_ok(again, res)

    # ------------------------------------------------------------ phases

    def creation_kills(self, n):
        """Kills while a new cache is made: it is then absent, empty or whole."""
        seed_ids = {r["_id"] for r in self.sc.load_export(self.a.seed_json)}
        made = 0
        for i in range(n):
            name = "new%d" % i
            for sfx in ("", "-wal", "-shm", "-journal"):
                try:
                    os.unlink(self.nr.db(name) + sfx)
                except FileNotFoundError:
                    pass
            env = dict(os.environ, NORON_TRACE_SQL="1")
            p = subprocess.Popen([self.a.noron, "--db", self.nr.db(name), "init"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, env=env, start_new_session=True)
            if i % 2 == 0:  # in the middle of the seed, when its first record is written
                how = "during the seed"
                for line in p.stderr:
                    if b"INSERT INTO docs" in line:
                        os.killpg(p.pid, signal.SIGKILL)
                        break
            else:
                d = self.rng.random() * 0.08
                how = "after %.0f ms" % (d * 1000)
                try:
                    p.wait(timeout=d)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
            p.stderr.close()
            rc = p.wait()
            if rc != -signal.SIGKILL:
                continue
            made += 1
            self.stats["kills"] += 1
            self.stats["create_kills"] += 1
            ok, text = (True, "no file") if not os.path.exists(self.nr.db(name)) else tl.integrity(self.nr.db(name))
            self.stats["integrity"] += 1
            self.stats["integrity_ok"] += ok
            res = self.nr.run(name, ["list", "institution", "--json"], cfg=self.caches[0].name)
            # the cache is made (again) by this run: the seed must be whole
            have = set(tl.rows(self.nr.db(name), where="deleted = 0")) if res.rc == 0 else set()
            missing = sorted(seed_ids - have)
            self.stats["opens"] += 1
            self.stats["opens_ok"] += res.rc == 0
            self.rep.check(ok and res.rc == 0 and not missing,
                           "creation kill %d (%s): integrity %s, the next noron opens the cache "
                           "and it holds the whole seed (%d records)" % (i + 1, how, text, len(seed_ids)),
                           "exit %d %s; %d seed records missing: %s" % (res.rc, res.err.strip(), len(missing), missing[:5]))
        return made

    def setup(self):
        for c in self.caches:
            res = self.nr.run(c.name, ["status"])
            self.rep.check(res.rc == 0, "cache %s is made (seeded)" % c.name, res.err)
        # Proposals everyone votes on: never deleted, their adding never undone.
        for c in self.caches:
            for _ in range(2):
                op = self.op_add(c, "proposal", protected=True)
                self.done_ok(op, self.nr.run(c.name, op.args))
        for c in self.caches + self.caches:
            op = self.op_sync(c)
            self.done_ok(op, self.nr.run(c.name, op.args))

    def main_loop(self):
        target = self.a.kills
        tries = 0
        while self.stats["edit_kills"] + self.stats["sync_kills"] < target and tries < target * 40:
            tries += 1
            cache = self.rng.choice(self.caches)
            op = self.pick_op(cache)
            kill = self.rng.random() < self.a.kill_rate
            res, delay = self.run_op(op, kill)
            if res.killed:
                self.after_kill(op, res, delay)
            elif self.done_ok(op, res) and tries % 10 == 0:
                self.check_ledger(cache, "after %d commands" % self.stats["ops"])
        self.rep.check(self.stats["edit_kills"] + self.stats["sync_kills"] >= target,
                       "%d kills landed (%d of edits, %d of syncs) in %d commands" % (
                           self.stats["edit_kills"] + self.stats["sync_kills"], self.stats["edit_kills"],
                           self.stats["sync_kills"], self.stats["ops"]))

    def final(self):
        rcs = []
        for c in self.caches + self.caches + self.caches[:1]:
            res = self.nr.run(c.name, ["sync"])
            rcs.append(res.rc)
            if res.rc != 0:
                self.rep.not_ok("final noron(%s) sync: exit 0 (no conflict)" % c.name, res.out + res.err)
        dbs = [self.nr.db(c.name) for c in self.caches]
        equal, text = tl.quiet(self.sc.cmd_converged, self.a.url, self.a.seed_json, *dbs)
        self.rep.check(equal, "final: %s and the endpoint hold the same documents (every body by id)" %
                       " ".join(c.name for c in self.caches), text)
        for c in self.caches:
            st = self.nr.run(c.name, ["status", "--json"])
            try:
                s = json.loads(st.out)
                clean = s.get("unsynced") == 0 and s.get("conflicts") == 0
            except ValueError:
                s, clean = st.out, False
            equal = equal and clean
            self.rep.check(clean, "final: %s has nothing unsynced and no conflict" % c.name, str(s))
            okd, text = tl.quiet(self.sc.cmd_no_dups, self.nr.db(c.name))
            if not okd:
                self.stats["dups"] += 1
            self.rep.check(okd, "final: %s holds no record twice (by id, or by type and name)" % c.name, text)
        ep = self.sc.endpoint_docs(self.a.url)
        seen, twice = {}, []
        for i, d in ep.items():
            key = (d.get("type"), d.get("name") or d.get("title") or d.get("topic"))
            if key[1] is not None and key in seen:
                twice.append((seen[key], i))
            seen[key] = i
        self.stats["dups"] += len(twice)
        self.rep.check(not twice, "final: the endpoint holds no record twice (%d documents)" % len(ep),
                       str(twice[:5]))
        lost = []
        for c in self.caches:
            lost += self.verify(self.nr.db(c.name), None, c.name)
        lost += self.verify(None, None, "the endpoint")
        self.stats["lost"] += len(lost)
        n_live = sum(1 for r in self.recs.values() if not r.deleted)
        self.rep.check(not lost, "final: every ledger value (%d records, %d live, %d votes) is in "
                       "every cache and on the endpoint" % (len(self.recs), n_live,
                                                           sum(len(r.votes) for r in self.recs.values())),
                       "\n".join(lost[:10]))
        return equal and all(rc == 0 for rc in rcs)

    def go(self):
        t0 = time.monotonic()
        self.rep.note("seed %d (replay: TORTURE_SEED=%d), %d kills, kill rate %.2f" % (
            self.a.seed, self.a.seed, self.a.kills, self.a.kill_rate))
        created = self.creation_kills(self.a.create_kills)
        self.setup()
        self.main_loop()
        equal = self.final()
        s = self.stats
        line = ("torture cli+sync: %d kills survived (%d edits, %d syncs, %d cache creations), "
                "%d edits verified, %d lost, %d duplicated, killed edits %d whole/%d absent/%d half, "
                "integrity ok %d/%d, final sync %s" % (
                    s["kills"], s["edit_kills"], s["sync_kills"], created, s["edits"], s["lost"],
                    s["dups"], s["whole"], s["absent"], s["half"], s["integrity_ok"],
                    s["integrity"], "equal" if equal else "NOT equal"))
        self.rep.note("%d commands, %d syncs completed, %d ledger checks, %.0f s" % (
            s["ops"], s["syncs"], s["checks"], time.monotonic() - t0))
        tl.summary_line(self.a.summary, line)
        self.rep.save(self.a.counts)


def ics_text(s):
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--noron", required=True)
    p.add_argument("--dir", required=True, help="lib.sh's $T")
    p.add_argument("--url", required=True, help="the endpoint database")
    p.add_argument("--seed-json", required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--create-kills", type=int, default=None)
    p.add_argument("--kill-rate", type=float, default=0.35)
    p.add_argument("--counts", required=True, help="where 'PASSED FAILED' is written")
    p.add_argument("--summary", default=None, help="a file the summary line is added to")
    p.add_argument("caches", nargs="+")
    a = p.parse_args()
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 1 << 31)
    if a.create_kills is None:
        a.create_kills = max(4, a.kills // 10)
    Torture(a).go()


if __name__ == "__main__":
    main()

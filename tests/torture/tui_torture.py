#!/usr/bin/env python3
# tests/torture/tui_torture.py: crash safety of the full-screen interface.
#
# noron runs in a private tmux server on cache U; each round kills it with
# SIGKILL (its whole process group: the sync child and the editor go too):
#   form   a project added, or one's funding changed, in the form; the save
#          key (^S), then the kill after a random 0-50 ms;
#   editor E on a project with a scripted $EDITOR that changes its funding
#          and exits; the kill a random moment around the editor's return
#          (before it, or up to 40 ms after);
#   sync   S against the PouchDB Server, with edits of U to push and edits of
#          another cache (W, on the command line) to pull; the kill at a
#          random moment of the sync's usual run.
# The screen is read just before the kill. After it: PRAGMA integrity_check
# is ok, the next noron opens the cache, a save the screen had confirmed is in
# the cache whole, an unconfirmed one is whole or absent (never half), every
# earlier edit is still there, and after a confirmed sync U's edits are on the
# endpoint. At the end `noron sync` (U, W, U) makes both caches and the
# endpoint equal, with every ledger value in each.
#
# Run by tests/torture/test_tui.sh inside the directory of tests/sync/lib.sh.
import argparse
import json
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tortlib as tl  # noqa: E402

WORDS = ["Ærø", "Þórshöfn", "Åbo", "Öland", "Ísafjörður", "Øresund", "naïve", "Göta"]

EDITOR = r"""#!/bin/sh
# The scripted editor: sets the record's funding to what editor.value holds.
d=$TORTURE_DIR
cp "$1" "$d/editor.seen"
: >"$d/editor.started"
sleep "$(cat "$d/editor.sleep")"
v=$(cat "$d/editor.value")
sed "s/^funding: .*/funding: $v/" "$1" >"$1.new" && mv "$1.new" "$1"
: >"$d/editor.done"
"""


class Tmux:
    def __init__(self, tdir):
        self.sock = os.path.join(tdir, "tui.sock")
        self.pid = None

    def tm(self, *args, check=False):
        return subprocess.run(["tmux", "-u", "-S", self.sock] + list(args), capture_output=True,
                              text=True, check=check)

    def start(self, cmd, w=100, h=30):
        self.tm("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(w), "-y", str(h), cmd,
                check=True)
        self.pid = int(self.tm("display", "-p", "-t", "t", "#{pane_pid}").stdout.strip())

    def keys(self, *k):
        self.tm("send-keys", "-t", "t", *k)

    def text(self, s):
        self.tm("send-keys", "-t", "t", "-l", s)

    def screen(self):
        return self.tm("capture-pane", "-p", "-t", "t").stdout

    def wait_for(self, text, seconds=10):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            s = self.screen()
            if text in s:
                return s
            time.sleep(0.03)
        return None

    def kill(self):
        """SIGKILL to noron's process group (the pane's), then the server."""
        if self.pid:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.stop()

    def stop(self):
        self.tm("kill-server")
        end = time.monotonic() + 5
        while self.pid and time.monotonic() < end:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        self.pid = None


class TuiTorture:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.sc = tl.load_sc(a.dir)
        self.nr = tl.Noron(a.noron, a.dir)
        self.rep = tl.Report()
        self.tmux = Tmux(a.dir)
        self.expect = {}  # id -> {field: value}: what the cache and the endpoint hold at the end
        self.owner = {}
        self.n = 0
        self.sync_est = 1500.0
        self.stats = {k: 0 for k in ("form", "editor", "sync", "sync_ended", "c_whole", "c_absent",
                                     "c_half", "u_whole", "u_absent", "u_half", "lost",
                                     "integrity", "integrity_ok", "opens_ok", "dups")}
        with open(os.path.join(a.dir, "editor.sh"), "w") as f:
            f.write(EDITOR)
        os.chmod(os.path.join(a.dir, "editor.sh"), 0o755)
        os.makedirs(os.path.join(a.dir, "tmp"), exist_ok=True)

    def uniq(self, what):
        self.n += 1
        return "%s %s %d-%d" % (what, self.rng.choice(WORDS), self.a.seed % 100000, self.n)

    # ------------------------------------------------------------ the interface

    def start(self):
        t = self.a.dir
        env = ["PATH=" + os.environ["PATH"], "HOME=" + os.environ.get("HOME", t),
               "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TZ=UTC",
               "USER=tester", "NORON_CONFIG=" + os.path.join(t, "U.cfg"),
               "EDITOR=" + os.path.join(t, "editor.sh"), "TORTURE_DIR=" + t,
               "TMPDIR=" + os.path.join(t, "tmp")]
        cmd = "exec env -i %s %s --db %s" % (" ".join(shlex.quote(e) for e in env),
                                            shlex.quote(self.a.noron), shlex.quote(self.nr.db("U")))
        self.tmux.start(cmd)
        if not self.tmux.wait_for("1 Areas", 20):
            self.rep.not_ok("the interface opens on cache U", self.tmux.screen())
            return False
        self.tmux.keys("3")
        return bool(self.tmux.wait_for("3 Projects", 10))

    def selected_project(self):
        """The id the detail pane shows for the selected project, once the
        screen stands still."""
        last, end = None, time.monotonic() + 10
        while time.monotonic() < end:
            s = self.tmux.screen()
            right = "\n".join(line.split("\u2502", 1)[1] for line in s.splitlines()[1:]
                              if "\u2502" in line)
            m = re.search(r"(?<![\w:])(project:[0-9a-z-]+)", right)
            if m and s == last:
                return m.group(1)
            last = s
            time.sleep(0.05)
        return None

    def move_down(self):
        for _ in range(self.rng.randrange(0, 4)):
            self.tmux.keys("j")

    def killed_at(self, delay):
        """Reads the screen after delay seconds, then kills noron."""
        time.sleep(delay)
        seen = self.tmux.screen()
        self.tmux.kill()
        return seen

    # ------------------------------------------------------------ checks

    def after_kill(self, what, rid, fields, old, confirmed, title=None):
        """The checks after a kill. rid None: a new project, found by title;
        old None: it did not exist before."""
        db = self.nr.db("U")
        good, text = tl.integrity(db)
        self.stats["integrity"] += 1
        self.stats["integrity_ok"] += good
        st = self.nr.run("U", ["status", "--json"])
        opens = st.rc == 0
        self.stats["opens_ok"] += opens
        if rid is None:
            found = sorted(tl.rows(db, where="type = 'project' and deleted = 0 and "
                                   "json_extract(body, '$.title') = ?", params=(title,)))
            if len(found) > 1:
                self.stats["dups"] += 1
            rid = found[0] if found else None
        row = tl.rows(db, where="id = ?", params=(rid,)).get(rid) if rid else None
        body = row[0] if row and not row[1] else None
        now = {k: body.get(k) for k in fields} if body else None
        if now == fields:
            state = "whole"
        elif (old is None and body is None) or (old is not None and now == old):
            state = "absent"
        else:
            state = "half"
        self.stats[("c_" if confirmed else "u_") + state] += 1
        lost = confirmed and state != "whole"
        if lost:
            self.stats["lost"] += 1
        detail = "cache holds %s; wanted %s; before %s" % (now, fields, old)
        if state == "half" or lost:
            self.rep.not_ok("%s: a %s save is %s" % (what, "confirmed" if confirmed else "unconfirmed",
                                                     "whole" if confirmed else "whole or absent"), detail)
        if state == "whole":
            self.expect.setdefault(rid, {}).update(fields)
            self.owner[rid] = "U"
        return good, opens, state, rid, text, st

    def ledger_holds(self, name):
        """Every value the ledger holds for NAME's records is in its cache."""
        have = tl.rows(self.nr.db(name))
        lost = []
        for rid, f in self.expect.items():
            if self.owner[rid] != name:
                continue
            row = have.get(rid)
            if not row or row[1] or any(row[0].get(k) != v for k, v in f.items()):
                lost.append("%s: want %s, cache holds %s" % (
                    rid, f, None if not row else "a tombstone" if row[1] else {k: row[0].get(k) for k in f}))
        self.stats["lost"] += len(lost)
        return lost

    def report_round(self, what, good, opens, state, text, st, extra_lost=()):
        lost = self.ledger_holds("U") + list(extra_lost)
        if good and opens and not lost and state != "half":
            self.rep.ok("%s: integrity ok, the cache opens, %s, every earlier edit holds" % (what, state))
        else:
            if not good:
                self.rep.not_ok("%s: PRAGMA integrity_check is ok" % what, text)
            if not opens:
                self.rep.not_ok("%s: the next noron opens the cache" % what, st.out + st.err)
            if lost:
                self.rep.not_ok("%s: every earlier edit of U is still there (%d lost)" % (what, len(lost)),
                                "\n".join(lost[:10]))

    # ------------------------------------------------------------ rounds

    def round_form(self, k):
        if not self.start():
            return
        funding = self.uniq("Funding")
        delay = self.rng.random() * 0.05
        if self.rng.random() < 0.5:
            title = self.uniq("TUI project")
            self.tmux.keys("a")
            self.tmux.wait_for("New project", 5)
            self.tmux.keys("Enter")
            self.tmux.wait_for("title:", 5)
            self.tmux.text(title)
            self.tmux.keys("Enter")
            self.tmux.keys("j", "Enter")
            self.tmux.wait_for("planned", 5)
            self.tmux.keys("Enter")  # the first status: idea
            self.tmux.keys(*(["j"] * 7), "Enter")
            self.tmux.wait_for("funding:", 5)
            self.tmux.text(funding)
            self.tmux.keys("Enter")
            if not self.tmux.wait_for(funding, 5):
                self.rep.not_ok("form round %d: the new project's form is filled in" % k, self.tmux.screen())
                self.tmux.kill()
                return
            self.tmux.keys("C-s")
            seen = self.killed_at(delay)
            confirmed = "added project:" in seen
            fields = {"title": title, "status": "idea", "funding": funding}
            what = "form kill %d (add, %.0f ms after ^S)" % (k, delay * 1000)
            r = self.after_kill(what, None, fields, None, confirmed, title)
        else:
            self.move_down()
            rid = self.selected_project()
            old = self.expect.get(rid, {}).get("funding")
            if old is None and rid:
                row = tl.rows(self.nr.db("U"), where="id = ?", params=(rid,)).get(rid)
                old = row[0].get("funding") if row else None
            self.tmux.keys("e")
            self.tmux.wait_for("Edit project", 5)
            self.tmux.keys(*(["j"] * 8), "x", "Enter")
            self.tmux.wait_for("funding:", 5)
            self.tmux.text(funding)
            self.tmux.keys("Enter")
            if not rid or not self.tmux.wait_for(funding, 5):
                self.rep.not_ok("form round %d: the project's form is filled in (%s)" % (k, rid),
                                self.tmux.screen())
                self.tmux.kill()
                return
            self.tmux.keys("C-s")
            seen = self.killed_at(delay)
            confirmed = "saved " + rid in seen
            what = "form kill %d (edit %s, %.0f ms after ^S)" % (k, rid, delay * 1000)
            r = self.after_kill(what, rid, {"funding": funding}, {"funding": old}, confirmed)
        self.stats["form"] += 1
        self.report_round(what + (", confirmed" if confirmed else ", not confirmed"), *r[:3], *r[4:])

    def round_editor(self, k):
        for f in ("editor.started", "editor.done", "editor.seen"):
            try:
                os.unlink(os.path.join(self.a.dir, f))
            except FileNotFoundError:
                pass
        funding = self.uniq("Edited funding")
        with open(os.path.join(self.a.dir, "editor.value"), "w") as f:
            f.write(funding)
        nap = 0.05 + self.rng.random() * 0.1
        with open(os.path.join(self.a.dir, "editor.sleep"), "w") as f:
            f.write("%.3f" % nap)
        before = self.rng.random() < 0.3  # killed while the editor still runs
        delay = self.rng.random() * (nap if before else 0.04)
        if not self.start():
            return
        self.move_down()
        rid = self.selected_project()
        row = tl.rows(self.nr.db("U"), where="id = ?", params=(rid,)).get(rid) if rid else None
        old = row[0].get("funding") if row else None
        self.tmux.keys("E")
        mark = os.path.join(self.a.dir, "editor.started" if before else "editor.done")
        end = time.monotonic() + 10
        while not os.path.exists(mark) and time.monotonic() < end:
            time.sleep(0.002)
        if not os.path.exists(mark) or not rid:
            self.rep.not_ok("editor round %d: the scripted editor runs on %s" % (k, rid), self.tmux.screen())
            self.tmux.kill()
            return
        seen = self.killed_at(delay)
        with open(os.path.join(self.a.dir, "editor.seen"), encoding="utf-8") as f:
            head = f.readline()
        if " %s." % rid not in head:
            self.rep.not_ok("editor round %d: the editor got the selected project %s" % (k, rid), head)
            return
        confirmed = "saved " + rid in seen
        what = "editor kill %d (%s, %.0f ms after the editor %s)" % (
            k, rid, delay * 1000, "started" if before else "returned")
        r = self.after_kill(what, rid, {"funding": funding}, {"funding": old}, confirmed)
        self.stats["editor"] += 1
        self.report_round(what + (", confirmed" if confirmed else ", not confirmed"), *r[:3], *r[4:])

    def cli_edits(self, name, n):
        """Edits on the command line (exit 0: they must stay)."""
        for _ in range(n):
            mine = [i for i, o in self.owner.items() if o == name and i.startswith("fund:")]
            if mine and self.rng.random() < 0.5:
                rid = self.rng.choice(mine)
                v = self.uniq("Scope")
                res = self.nr.run(name, ["set", rid, "scope=" + v])
                fields = {"scope": v}
            else:
                fname = self.uniq("Fund of " + name)
                v = self.uniq("Scope")
                res = self.nr.run(name, ["add", "fund", "name=" + fname, "scope=" + v])
                rid = res.out.strip()
                fields = {"name": fname, "scope": v}
            if res.rc != 0 or tl.crashed(res):
                self.rep.not_ok("noron(%s) edit on the command line exits 0" % name, res.out + res.err)
                continue
            self.expect.setdefault(rid, {}).update(fields)
            self.owner[rid] = name

    def round_sync(self, k):
        self.cli_edits("W", self.rng.randint(1, 4))
        res = self.nr.run("W", ["sync"])
        if res.rc != 0:
            self.rep.not_ok("noron(W) sync exits 0", res.out + res.err)
        self.cli_edits("U", self.rng.randint(1, 4))
        delay = self.rng.random() * 1.2 * self.sync_est / 1000.0
        if not self.start():
            return
        t0 = time.monotonic()
        self.tmux.keys("S")
        seen = self.killed_at(delay)
        confirmed = "synced:" in seen
        # the next delay aims at the sync's usual length: shorter after one
        # that had ended, longer after one that was cut off
        if confirmed:
            self.sync_est = 0.7 * self.sync_est + 0.3 * 0.7 * (time.monotonic() - t0) * 1000
        else:
            self.sync_est *= 1.1
        what = "sync kill %d (%.0f ms after S)" % (k, delay * 1000)
        db = self.nr.db("U")
        good, text = tl.integrity(db)
        self.stats["integrity"] += 1
        self.stats["integrity_ok"] += good
        st = self.nr.run("U", ["status", "--json"])
        self.stats["opens_ok"] += st.rc == 0
        self.stats["sync"] += 1
        self.stats["sync_ended"] += confirmed
        extra = []
        if confirmed:  # U's edits went up
            docs = self.sc.endpoint_docs(self.a.url)
            for rid, f in self.expect.items():
                d = docs.get(rid)
                if self.owner[rid] == "U" and (not d or any(d.get(x) != v for x, v in f.items())):
                    extra.append("%s: want %s on the endpoint, it holds %s" % (
                        rid, f, None if not d else {x: d.get(x) for x in f}))
            self.stats["lost"] += len(extra)
        self.report_round(what + (", confirmed" if confirmed else ", not confirmed"), good,
                          st.rc == 0, "the sync " + ("had ended" if confirmed else "was cut off"),
                          text, st, extra)

    def final(self):
        rcs = [self.nr.run(n, ["sync"]) for n in ("U", "W", "U")]
        for n, res in zip(("U", "W", "U"), rcs):
            self.rep.check(res.rc == 0, "final noron(%s) sync: exit 0 (no conflict)" % n, res.out + res.err)
        equal, text = tl.quiet(self.sc.cmd_converged, self.a.url, self.a.seed_json,
                               self.nr.db("U"), self.nr.db("W"))
        self.rep.check(equal, "final: U, W and the endpoint hold the same documents", text)
        for n in ("U", "W"):
            okd, text = tl.quiet(self.sc.cmd_no_dups, self.nr.db(n))
            self.stats["dups"] += not okd
            self.rep.check(okd, "final: %s holds no record twice" % n, text)
        docs = self.sc.endpoint_docs(self.a.url)
        lost = []
        for n in ("U", "W"):
            have = tl.rows(self.nr.db(n))
            for rid, f in self.expect.items():
                row = have.get(rid)
                if not row or row[1] or any(row[0].get(k) != v for k, v in f.items()):
                    lost.append("%s in %s: want %s" % (rid, n, f))
        for rid, f in self.expect.items():
            d = docs.get(rid)
            if not d or any(d.get(k) != v for k, v in f.items()):
                lost.append("%s on the endpoint: want %s" % (rid, f))
        self.stats["lost"] += len(lost)
        self.rep.check(not lost, "final: every saved value (%d records) is in U, W and on the endpoint"
                       % len(self.expect), "\n".join(lost[:10]))
        return equal and all(r.rc == 0 for r in rcs)

    def go(self):
        t0 = time.monotonic()
        self.rep.note("seed %d (replay: TORTURE_SEED=%d), %d rounds of each kind" % (
            self.a.seed, self.a.seed, self.a.rounds))
        for n in ("U", "W"):
            res = self.nr.run(n, ["sync"])
            self.rep.check(res.rc == 0, "cache %s is made and synced" % n, res.out + res.err)
        kinds = [self.round_form, self.round_editor, self.round_sync] * self.a.rounds
        self.rng.shuffle(kinds)
        count = {}
        try:
            for fn in kinds:
                count[fn] = count.get(fn, 0) + 1
                fn(count[fn])
        finally:
            self.tmux.stop()
        equal = self.final()
        s = self.stats
        kills = s["form"] + s["editor"] + s["sync"]
        line = ("torture tui: %d kills survived (%d form saves, %d editor saves, %d syncs), "
                "confirmed saves %d/%d kept, unconfirmed saves %d whole/%d absent/%d half, "
                "syncs %d ended/%d cut off, %d lost, %d duplicated, integrity ok %d/%d, "
                "final sync %s" % (
                    kills, s["form"], s["editor"], s["sync"], s["c_whole"],
                    s["c_whole"] + s["c_absent"] + s["c_half"], s["u_whole"], s["u_absent"],
                    s["u_half"], s["sync_ended"], s["sync"] - s["sync_ended"], s["lost"],
                    s["dups"], s["integrity_ok"], s["integrity"], "equal" if equal else "NOT equal"))
        self.rep.note("%.0f s" % (time.monotonic() - t0))
        tl.summary_line(self.a.summary, line)
        self.rep.save(self.a.counts)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--noron", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--seed-json", required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--counts", required=True)
    p.add_argument("--summary", default=None)
    a = p.parse_args()
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 1 << 31)
    TuiTorture(a).go()


if __name__ == "__main__":
    main()

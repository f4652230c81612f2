#!/usr/bin/env python3
"""bench.py: noron at 100, 10,000 and 100,000 records, beside the tools people
would use instead. Run by `make bench` (an optimised build, no sanitizers):

    python3 tests/bench/bench.py --noron ./noron [--sizes 100,10000,100000]
        [--runs 15] [--work DIR] [--results FILE] [--skip tui,cli,sync,refs]

For each size, gen.py makes the records (kept in --work for the next run) and
`noron import` makes the cache. Then:
  tui   tui_bench.py in a pseudo-terminal at 80x24 and 200x60: first frame,
        keystrokes, the interface's peak memory;
  cli   list, search, show and export, each --runs times;
  sync  (largest size) against a PouchDB Server on 127.0.0.1 started here:
        the initial pull into an empty cache, with the plain curl fetch of the
        same _changes (fetch_changes.sh, the floor) and PouchDB's replicator
        (pouch_pull.js) as references; a push of 10,000 edits; a sync with
        nothing to do and one with a single remote change (time and HTTP
        requests); the sync's peak memory;
  refs  (largest size) calcurse and taskwarrior on the same records
        (refs_local.py; skipped when they are not installed).
Prints a table, and appends one JSON line per figure (name, records, size,
unit, median, p95, runs, ...) to --results, with the ratio to the previous
run of the same figure where there is one.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
PULL_PAGE = 1000  # net/sync.c's page of _changes: the floor fetches the same


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def stats(samples):
    s = sorted(samples)
    if not s:
        return None, None
    median = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    p95 = s[min(len(s) - 1, max(0, -(-95 * len(s) // 100) - 1))]
    return median, p95


class Results:
    def __init__(self, path, meta):
        self.path, self.meta, self.rows = path, meta, []
        self.previous = {}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue
                    self.previous[self.key(r)] = r

    @staticmethod
    def key(r):
        return (r.get("name"), r.get("records"), r.get("size"))

    def add(self, name, records, unit, samples, size=None, **extra):
        median, p95 = stats(samples)
        row = {"name": name, "records": records, "size": size, "unit": unit,
               "median": round(median, 3), "p95": round(p95, 3), "runs": len(samples)}
        row.update(extra)
        prev = self.previous.get(self.key(row))
        if prev and prev.get("median"):
            row["vs_previous"] = round(row["median"] / prev["median"], 3)
        row.update(self.meta)
        self.rows.append(row)
        log(f"{name} ({records} records{', ' + size if size else ''}): "
            f"median {row['median']} {unit}, p95 {row['p95']}")
        if self.path:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")

    def table(self):
        print(f"{'figure':<34} {'records':>8} {'size':>7} {'median':>10} {'p95':>10}"
              f" {'unit':<5} {'vs last':>7}")
        for r in self.rows:
            vs = f"{r['vs_previous']:.2f}x" if "vs_previous" in r else ""
            print(f"{r['name']:<34} {r['records']:>8} {r['size'] or '':>7} "
                  f"{r['median']:>10.3f} {r['p95']:>10.3f} {r['unit']:<5} {vs:>7}")


GNU_TIME = "/usr/bin/time"


def run_timed(argv, env=None, stdin=subprocess.DEVNULL, capture=True, rss=False):
    """Runs argv; returns (seconds, peak RSS in MB or 0, stdout, stderr, status).

    With rss, the peak comes from GNU time, which forks itself (small) to run
    argv: a child forked from this Python process would carry this process's
    size in its peak (the kernel keeps the largest across exec). Without, no
    GNU time in between, whose own start would be in the time."""
    out = tempfile.TemporaryFile() if capture else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    rss_file = tempfile.NamedTemporaryFile(prefix="noron-bench-rss.", delete=False)
    rss_file.close()
    t0 = time.perf_counter()
    wrap = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file.name] if rss else []
    p = subprocess.Popen(wrap + list(argv), env=env, stdin=stdin, stdout=out, stderr=err)
    _, status, ru = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    with open(rss_file.name, encoding="utf-8") as f:
        kb = f.read().split()
    os.unlink(rss_file.name)
    texts = []
    for f in (out, err):
        if f is subprocess.DEVNULL:
            texts.append("")
            continue
        f.seek(0)
        texts.append(f.read().decode("utf-8", "replace"))
        f.close()
    return seconds, (int(kb[-1]) if kb else 0) / 1024, texts[0], texts[1], p.returncode


class Bench:
    def __init__(self, a):
        self.a = a
        self.noron = os.path.abspath(a.noron)
        self.work = os.path.abspath(a.work)
        os.makedirs(self.work, exist_ok=True)
        self.home = tempfile.mkdtemp(prefix="noron-bench-home.")
        self.env = dict(os.environ, HOME=self.home, XDG_CONFIG_HOME=self.home,
                        XDG_DATA_HOME=self.home, LC_ALL="C.UTF-8", TZ="UTC")
        self.env.pop("NORON_DB", None)
        self.results = Results(a.results, {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "host": platform.node(), "cpus": os.cpu_count(),
            "commit": self.commit()})

    def commit(self):
        try:
            return subprocess.run(["git", "-C", TESTS, "rev-parse", "--short", "HEAD"],
                                  capture_output=True, text=True).stdout.strip() or None
        except OSError:
            return None

    def noron_cmd(self, db, *args):
        return [self.noron, "--db", db, *args]

    def check(self, argv, what):
        r = run_timed(argv, self.env)
        if r[4] != 0:
            sys.exit(f"bench: {what} failed ({r[4]}): {r[3].strip()[:500]}")
        return r

    # -- data ----------------------------------------------------------
    def export(self, n):
        path = os.path.join(self.work, f"gen-{n}.json")
        if not os.path.exists(path):
            log(f"generating {n} records")
            self.check([sys.executable, os.path.join(HERE, "gen.py"), str(n), path], "gen.py")
        return path

    def cache(self, n):
        path = os.path.join(self.work, f"cache-{n}.db")
        if not os.path.exists(path):
            log(f"importing {n} records into a cache")
            tmp = path + ".new"
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(tmp + suffix):
                    os.remove(tmp + suffix)
            secs = self.check(self.noron_cmd(tmp, "import", self.export(n)), "import")[0]
            self.results.add("cli_import", n, "s", [secs])
            os.rename(tmp, path)
        return path

    # -- the interface ---------------------------------------------------
    def tui(self, n, size):
        db = self.cache(n)
        argv = [sys.executable, os.path.join(HERE, "tui_bench.py"), "--noron", self.noron,
                "--db", db, "--size", size, "--runs", str(self.a.runs),
                "--presses", str(self.a.presses)]
        p = subprocess.run(argv, env=self.env, stdout=subprocess.PIPE, text=True)
        if p.returncode:
            sys.exit(f"bench: tui_bench.py failed at {n} records, {size}")
        for line in p.stdout.splitlines():
            r = json.loads(line)
            extra = {k: v for k, v in r.items() if k not in ("name", "unit", "samples")}
            self.results.add(r["name"], n, r["unit"], r["samples"], size=size, **extra)

    # -- the command line -------------------------------------------------
    def cli(self, n):
        db = self.cache(n)
        skills = json.loads(self.check(self.noron_cmd(db, "list", "skill", "--json"),
                                       "list")[2])["records"]
        first = skills[len(skills) // 2]["_id"] if skills else None
        cases = [("cli_list_skill", ["list", "skill"]),
                 ("cli_search", ["search", "arkiv"]),
                 ("cli_show", ["show", first or "area:digitization"]),
                 ("cli_export", ["export", "-o", os.path.join(self.home, "export.json")])]
        for name, args in cases:
            samples = []
            for _ in range(self.a.runs if n < 100000 or name != "cli_export" else 3):
                samples.append(self.check(self.noron_cmd(db, *args), name)[0] * 1000)
            self.results.add(name, n, "ms", samples)

    # -- the sync ---------------------------------------------------------
    def endpoint_start(self):
        modules = os.path.join(TESTS, "sync", "node_modules")
        server = os.path.join(modules, "pouchdb-server", "bin", "pouchdb-server")
        if not os.path.exists(server):
            log("installing PouchDB Server (npm ci in tests/sync)")
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], check=True,
                           cwd=os.path.join(TESTS, "sync"), stdout=sys.stderr)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        self.server_dir = tempfile.mkdtemp(prefix="noron-bench-endpoint.")
        self.server = subprocess.Popen(
            ["node", server, "--in-memory", "-o", "127.0.0.1", "-p", str(port)],
            cwd=self.server_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        sys.exit("bench: PouchDB Server did not start")

    def endpoint_stop(self):
        if getattr(self, "server", None):
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=10)
            shutil.rmtree(self.server_dir, ignore_errors=True)
            self.server = None

    def sync(self, db, url, n, name):
        secs, rss, out, err, rc = run_timed(self.noron_cmd(db, "sync", "--url", url,
                                                          "--verbose"), self.env, rss=True)
        if rc:
            sys.exit(f"bench: {name}: noron sync failed ({rc}): {err.strip()[-500:]}")
        requests = sum(1 for line in err.splitlines()
                       if line.startswith("noron: ") and " -> " in line)
        return secs, rss, requests

    def sync_bench(self, n):
        export = self.export(n)
        self.endpoint_start()
        try:
            db_url = self.url + "/bench"
            self.check([sys.executable, os.path.join(HERE, "endpoint_load.py"), db_url, export],
                       "endpoint_load.py")
            self.pull(n, db_url)
            self.references(n, db_url)
            self.later_rounds(n, db_url)
        finally:
            self.endpoint_stop()

    def pull(self, n, db_url):
        runs = max(1, self.a.sync_runs)
        secs, rss, reqs = [], [], []
        for i in range(runs):
            db = os.path.join(self.work, f"pulled-{n}.db")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            self.check(self.noron_cmd(db, "init", "--empty"), "init")
            s, m, r = self.sync(db, db_url, n, "initial pull")
            secs.append(s)
            rss.append(m)
            reqs.append(r)
        self.results.add("sync_initial_pull", n, "s", secs)
        self.results.add("sync_initial_pull_rss", n, "MB", rss)
        self.results.add("sync_initial_pull_requests", n, "requests", reqs)
        self.pulled = db

    def references(self, n, db_url):
        floor = []
        for _ in range(max(1, self.a.sync_runs)):
            r = self.check(["bash", os.path.join(HERE, "fetch_changes.sh"), db_url,
                            str(PULL_PAGE)], "fetch_changes.sh")
            floor.append(json.loads(r[2])["seconds"])
        self.results.add("ref_curl_changes_fetch", n, "s", floor)
        if "pouchdb" in self.a.skip:
            return
        if not os.path.exists(os.path.join(HERE, "node_modules", "pouchdb")):
            log("installing PouchDB (npm ci in tests/bench)")
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], check=True, cwd=HERE,
                           stdout=sys.stderr)
        target = tempfile.mkdtemp(prefix="noron-bench-pouch.")
        try:
            s, rss, out, err, rc = run_timed(["node", os.path.join(HERE, "pouch_pull.js"),
                                              db_url, os.path.join(target, "db")], self.env,
                                             rss=True)
            if rc:
                sys.exit(f"bench: pouch_pull.js failed: {err.strip()[-500:]}")
            self.results.add("ref_pouchdb_replicate", n, "s", [json.loads(out)["seconds"]])
            self.results.add("ref_pouchdb_replicate_rss", n, "MB", [rss])
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def edits_file(self, n, count):
        """count records of the export with one field changed, as an export."""
        with open(self.export(n), encoding="utf-8") as f:
            records = json.load(f)["records"]
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        picked = [r for r in records if r["type"] in ("skill", "event", "proposal")][:count]
        for r in picked:
            field = {"skill": "note", "event": "description", "proposal": "abstract"}[r["type"]]
            r[field] = (r.get(field) or "") + " Revidert i benken."
            r["updated_at"] = now
        path = os.path.join(self.home, f"edits-{count}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"noron": "export", "version": 1, "records": picked}, f,
                      ensure_ascii=False)
        return path, len(picked)

    def later_rounds(self, n, db_url):
        db = self.pulled
        path, count = self.edits_file(n, 10000)
        self.check(self.noron_cmd(db, "import", path), "import of the edits")
        s, rss, reqs = self.sync(db, db_url, n, "push")
        self.results.add("sync_push_edits", n, "s", [s], pushed=count)
        self.results.add("sync_push_requests", n, "requests", [reqs], pushed=count)
        self.results.add("sync_push_rss", n, "MB", [rss], pushed=count)
        idle, idle_reqs = [], []
        for _ in range(self.a.runs):
            s, _, reqs = self.sync(db, db_url, n, "nothing to do")
            idle.append(s * 1000)
            idle_reqs.append(reqs)
        self.results.add("sync_nothing_to_do", n, "ms", idle)
        self.results.add("sync_nothing_to_do_requests", n, "requests", idle_reqs)
        one, one_reqs = [], []
        for i in range(self.a.runs):
            self.remote_change(db_url, "area:digitization", i)
            s, _, reqs = self.sync(db, db_url, n, "one remote change")
            one.append(s * 1000)
            one_reqs.append(reqs)
        self.results.add("sync_one_remote_change", n, "ms", one)
        self.results.add("sync_one_remote_change_requests", n, "requests", one_reqs)

    @staticmethod
    def remote_change(db_url, doc_id, i):
        url = f"{db_url}/{urllib.request.quote(doc_id, safe='')}"
        doc = json.loads(urllib.request.urlopen(url).read())
        doc["description"] = f"{doc.get('description', '')} ({i})"
        req = urllib.request.Request(url, data=json.dumps(doc).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()

    # -- the other tools ----------------------------------------------------
    def refs(self, n):
        # calcurse takes minutes per start at 100,000 appointments.
        argv = [sys.executable, os.path.join(HERE, "refs_local.py"), "--export",
                self.export(n), "--work", os.path.join(self.work, "refs"),
                "--runs", str(self.a.runs),
                "--calcurse-runs", str(3 if n >= 50000 else self.a.runs)]
        p = subprocess.run(argv, env=self.env, stdout=subprocess.PIPE, text=True)
        for line in p.stdout.splitlines():
            r = json.loads(line)
            if "skipped" in r:
                log(f"{r['name']}: skipped ({r['skipped']})")
                continue
            extra = {k: v for k, v in r.items()
                     if k not in ("name", "unit", "samples", "records")}
            self.results.add("ref_" + r["name"], r.get("records", n), r["unit"],
                             r["samples"], **extra)

    def needs(self):
        missing = []
        try:
            sys.path.insert(0, HERE)
            import ptyterm  # noqa: F401 - it finds Debian's pyte
        except ImportError:
            missing.append("python3-pyte")
        for tool in ("node", "npm", "curl", GNU_TIME):
            if not shutil.which(tool):
                missing.append({"node": "nodejs", GNU_TIME: "time"}.get(tool, tool))
        if missing:
            sys.exit("bench: needs " + ", ".join(missing) + " (Debian: apt-get install "
                     + " ".join(missing) + "); calcurse and taskwarrior are measured"
                     " when installed")

    def run(self):
        self.needs()
        sizes = [int(s) for s in self.a.sizes.split(",")]
        try:
            for n in sizes:
                if "tui" not in self.a.skip:
                    for size in ("80x24", "200x60"):
                        self.tui(n, size)
                if "cli" not in self.a.skip:
                    self.cli(n)
            if "sync" not in self.a.skip:
                self.sync_bench(max(sizes))
            if "refs" not in self.a.skip:
                self.refs(max(sizes))
        finally:
            self.endpoint_stop()
            shutil.rmtree(self.home, ignore_errors=True)
        self.results.table()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--noron", required=True, help="the noron program (an -O2 build)")
    ap.add_argument("--sizes", default="100,10000,100000")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--presses", type=int, default=40)
    ap.add_argument("--sync-runs", type=int, default=3)
    ap.add_argument("--work", default="bench-work")
    ap.add_argument("--results", default="bench-results.jsonl")
    ap.add_argument("--skip", default="", help="comma-separated: tui,cli,sync,refs,pouchdb")
    a = ap.parse_args()
    a.skip = set(filter(None, a.skip.split(",")))
    Bench(a).run()


if __name__ == "__main__":
    main()

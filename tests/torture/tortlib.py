# tests/torture/tortlib.py: shared by the crash-safety drivers (torture.py for
# the command line and the sync, tui_torture.py for the full-screen interface).
#
# The drivers run inside the directory that tests/sync/lib.sh's sync_init made
# ($T): each cache NAME is $T/NAME.db with its config $T/NAME.cfg, every output
# of noron goes to $T/transcript (lib.sh's finish greps it for passwords), and
# the checks reuse lib.sh's python helper $T/sc.py (same-endpoint, no-dups,
# integrity, converged), loaded here as a module. Standard library only.
import contextlib
import importlib.util
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time


def load_sc(tdir):
    """lib.sh's helper $T/sc.py as a module."""
    spec = importlib.util.spec_from_file_location("sc", os.path.join(tdir, "sc.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def quiet(fn, *args):
    """Calls one of sc.py's commands; (its result, what it printed)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            ok = fn(*args)
        except Exception as e:  # a failed check, said in one line
            print("error: %s: %s" % (e.__class__.__name__, e))
            ok = False
    return ok, buf.getvalue().strip()


class Report:
    """TAP-like lines ("ok - ..." / "not ok - ...") and their counts."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, desc):
        self.passed += 1
        print("ok - " + desc, flush=True)

    def not_ok(self, desc, detail=""):
        self.failed += 1
        print("not ok - " + desc, flush=True)
        for line in str(detail).splitlines()[:30]:
            print("#   " + line, flush=True)

    def check(self, cond, desc, detail=""):
        if cond:
            self.ok(desc)
        else:
            self.not_ok(desc, detail)
        return cond

    def note(self, text):
        print("# " + text, flush=True)

    def save(self, path):
        with open(path, "w") as f:
            f.write("%d %d\n" % (self.passed, self.failed))


class Result:
    def __init__(self, rc, out, err, ms, killed):
        self.rc, self.out, self.err, self.ms, self.killed = rc, out, err, ms, killed


SANITIZER_WORDS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:")


class Noron:
    """Runs noron on the caches of $T, whole or killed with SIGKILL."""

    def __init__(self, noron, tdir, timeout=120):
        self.noron, self.tdir, self.timeout = noron, tdir, timeout

    def db(self, name):
        return os.path.join(self.tdir, name + ".db")

    def env(self, name, extra=None):
        e = dict(os.environ, NORON_CONFIG=os.path.join(self.tdir, name + ".cfg"))
        if not os.path.exists(e["NORON_CONFIG"]):
            e["NORON_CONFIG"] = os.path.join(self.tdir, "none.cfg")
        e.update(extra or {})
        return e

    def _log(self, out, err):
        with open(os.path.join(self.tdir, "transcript"), "a", encoding="utf-8",
                  errors="replace") as f:
            f.write(out)
            f.write(err)

    def run(self, name, args, kill_after=None, env=None, cfg=None):
        """noron --db $T/NAME.db ARGS; with kill_after (seconds) noron and what
        it started (noron-io, in a session of its own) get SIGKILL then, unless
        it ended first. Result.killed tells whether the kill landed."""
        out_path = os.path.join(self.tdir, "run.out")
        err_path = os.path.join(self.tdir, "run.err")
        with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
            t0 = time.monotonic()
            p = subprocess.Popen([self.noron, "--db", self.db(name)] + list(args),
                                 stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                                 env=self.env(cfg or name, env), start_new_session=True)
            killed = False
            try:
                if kill_after is not None:
                    try:
                        p.wait(timeout=kill_after)
                    except subprocess.TimeoutExpired:
                        os.killpg(p.pid, signal.SIGKILL)
                        killed = True
                rc = p.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                rc = p.wait()
                rc = 124
            ms = (time.monotonic() - t0) * 1000
        with open(out_path, encoding="utf-8", errors="replace") as f:
            out = f.read()
        with open(err_path, encoding="utf-8", errors="replace") as f:
            err = f.read()
        self._log(out, err)
        # a kill that came after the end is no kill
        killed = killed and rc == -signal.SIGKILL
        return Result(rc, out, err, ms, killed)


def crashed(res):
    """Why a run that was not killed by us counts as a crash, or None."""
    if res.rc == 124:
        return "hung"
    if res.rc < 0 and not res.killed:
        return "died of signal %d" % -res.rc
    if any(w in res.err for w in SANITIZER_WORDS):
        return "a sanitizer report"
    return None


def integrity(db):
    """(ok, text): PRAGMA integrity_check of a cache, opened for writing as
    noron opens it: a kill in the middle of the cache's making leaves a hot
    rollback journal, which SQLite's recovery rolls back at the first open
    that may write (a read-only one cannot)."""
    try:
        c = sqlite3.connect("file:%s?mode=rw" % db, uri=True, timeout=30)
        try:
            r = [x[0] for x in c.execute("pragma integrity_check")]
        finally:
            c.close()
    except sqlite3.Error as e:
        return False, "cannot check: %s" % e
    return r == ["ok"], "; ".join(r[:5])


def rows(db, ids=None, where=None, params=()):
    """{id: (body dict, deleted, dirty)} of a cache, read-only."""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        q = "select id, body, deleted, dirty from docs"
        if where:
            q += " where " + where
        out = {}
        for i, body, deleted, dirty in c.execute(q, params):
            if ids is None or i in ids:
                out[i] = (json.loads(body), deleted, dirty)
        return out
    finally:
        c.close()


def config_value(tdir, name, key):
    """A key of $T/NAME.cfg (key = value lines), or None."""
    try:
        with open(os.path.join(tdir, name + ".cfg")) as f:
            for line in f:
                k, _, v = line.partition("=")
                if k.strip() == key:
                    return v.strip()
    except OSError:
        pass
    return None


def summary_line(path, line):
    """The figures line for make torture's report: printed, and kept in path."""
    print(line, flush=True)
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")


def fail_fast_exit(report, counts_path):
    report.save(counts_path)
    sys.exit(0 if report.failed == 0 else 1)

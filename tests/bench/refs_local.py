"""What the same records cost in the local tools people use instead of noron.

    python3 tests/bench/refs_local.py --export FILE.json --work DIR \\
        [--runs 15] [--presses 40] [--size 80x24] [--calcurse-runs N]

FILE.json is a noron JSON export; DIR keeps the tools' data between runs.
Prints one JSON object per line on stdout (progress on stderr), as
tui_bench.py does, with "records": how many records the tool was given:
    {"name": "calcurse_first_frame", "unit": "ms", "samples": [...], "records": N}
    {"name": "calcurse_key_j", ...}  {"name": "calcurse_peak_rss", "unit": "MB", ...}
    {"name": "taskwarrior_list", "unit": "ms", ...}  {"name": "taskwarrior_peak_rss", ...}
A tool that is not installed gives {"name": "calcurse", "skipped": "not installed"}.

calcurse (DIR/calcurse, `calcurse -D DIR/calcurse`): every record becomes one
item of the calendar file. An event is an appointment at its start and end (a
day-long event when it has a date only); any other record is a one-hour
appointment at its created_at (updated_at when it has none, else an all-day
item on a day spread over the fifteen years from 2011 by its place in the
export). The title is the record's title, name, topic or code, else its id.
Config: general.confirmquit=no (q quits at once) and appearance.notifybar=no
(that bar shows a clock that redraws every second and would land in the
timings); the rest are calcurse's defaults. Measured in a pty of --size:
calcurse_first_frame (spawn to the settled first screen: Appointments and
Calendar panels and the key bar, --runs times, q quits and must exit 0),
calcurse_key_j (j in the calendar: next week, --presses times) and
calcurse_peak_rss (VmHWM after those).

taskwarrior (DIR/taskwarrior, its own taskrc): every record becomes a pending
task: description as above, project = the record's type, entry = created_at,
due = the record's deadline, else its start (events, projects), if any. The
taskrc sets data.location and news.version only, so confirmation, hooks
(none installed) and gc (on) are taskwarrior's defaults. The import is kept
and reused while the export's size and mtime are unchanged (a stamp file);
importing 100,000 tasks takes a while. Measured: taskwarrior_list, the wall
time of `task rc.defaultwidth=COLS list` (every pending task, output to a
file), --runs times, and taskwarrior_peak_rss, its ru_maxrss from wait4.
"""
import argparse
import json
import os
import re
import shutil
import sys
import time
import uuid
from datetime import date, datetime, timedelta

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import NoOutput, PtyTerm  # noqa: E402


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def emit(name, samples, unit="ms", **extra):
    print(json.dumps({"name": name, "unit": unit,
                      "samples": [round(s, 3) for s in samples], **extra}), flush=True)


def label(r):
    for k in ("title", "name", "topic", "code"):
        if isinstance(r.get(k), str) and r[k].strip():
            return re.sub(r"[\x00-\x1f\x7f]+", " ", r[k]).strip()
    return r["_id"]


def parse(s):
    """A noron date ("2014-04-09") or time ("2014-04-09T10:00:00Z"), or None."""
    if not isinstance(s, str):
        return None
    try:
        if len(s) == 10:
            return date.fromisoformat(s)
        return datetime.strptime(s[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


# -- calcurse ---------------------------------------------------------------

def calcurse_line(r, i, n):
    def day(d):
        return d.strftime("%m/%d/%Y")

    def appt(a, b):
        return f"{day(a)} @ {a:%H:%M} -> {day(b)} @ {b:%H:%M} |{label(r)}"

    if r.get("type") == "event" and parse(r.get("start")):
        start, end = parse(r["start"]), parse(r.get("end"))
        if not isinstance(start, datetime):
            return f"{day(start)} [1] {label(r)}"
        if not isinstance(end, datetime) or end < start:
            end = start + timedelta(hours=1)
        return appt(start, end)
    at = parse(r.get("created_at")) or parse(r.get("updated_at"))
    if isinstance(at, datetime):
        return appt(at, at + timedelta(hours=1))
    return f"{day(date(2011, 1, 1) + timedelta(days=i * 5479 // max(n, 1)))} [1] {label(r)}"


def calcurse_screen(lines):
    text = "\n".join(lines)
    return "Appointments" in text and "Calendar" in text and "Quit" in text


def bench_calcurse(records, args, env):
    d = os.path.join(args.work, "calcurse")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "apts"), "w", encoding="utf-8") as f:
        for i, r in enumerate(records):
            f.write(calcurse_line(r, i, len(records)) + "\n")
    with open(os.path.join(d, "conf"), "w") as f:
        f.write("general.confirmquit=no\nappearance.notifybar=no\n")
    argv, extra = ["calcurse", "-D", d], {"records": len(records)}

    def spawn():
        return PtyTerm(argv, args.cols, args.rows, env)

    runs = args.calcurse_runs or args.runs
    log(f"refs_local: calcurse, {len(records)} items: first frame x{runs}")
    samples = []
    for i in range(runs):
        t = spawn()
        try:
            last = t.wait_screen(calcurse_screen, timeout=args.timeout)
            samples.append((last - t.t_start) * 1000)
        finally:
            status = t.close(quit_key=b"q", timeout=args.timeout)
        if status != 0:
            raise SystemExit(f"refs_local: calcurse run {i + 1} exited {status}")
    emit("calcurse_first_frame", samples, **extra)

    log(f"refs_local: calcurse: j x{args.presses}")
    t = spawn()
    try:
        t.wait_screen(calcurse_screen, timeout=args.timeout)
        samples = []
        for _ in range(args.presses):
            try:
                samples.append(t.key(b"j", name="calcurse j") * 1000)
            except NoOutput as e:
                raise SystemExit(f"refs_local: {e}") from None
        late = {"late": t.late} if t.late else {}
        emit("calcurse_key_j", samples, **extra, **late)
        emit("calcurse_peak_rss", [t.peak_rss_kb() / 1024], unit="MB", **extra)
    finally:
        status = t.close(quit_key=b"q", timeout=args.timeout)
    if status != 0:
        raise SystemExit(f"refs_local: calcurse exited {status}")


# -- taskwarrior ------------------------------------------------------------

def task_time(x):
    if isinstance(x, datetime):
        return x.strftime("%Y%m%dT%H%M00Z")
    return x.strftime("%Y%m%dT000000Z")


def to_task(r):
    t = {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, "noron:" + r["_id"])),
         "description": label(r), "status": "pending", "project": r.get("type", "record")}
    entry = parse(r.get("created_at"))
    if entry:
        t["entry"] = task_time(entry)
    due = parse(r.get("deadline")) or parse(r.get("start"))
    if due:
        t["due"] = task_time(due)
    return t


def run_task(env, argv, out):
    """Runs task; (wall ms, ru_maxrss kB, exit code)."""
    fa = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
          (os.POSIX_SPAWN_DUP2, 1, 2)]
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=fa)
    _, status, ru = os.wait4(pid, 0)
    return (time.perf_counter() - t0) * 1000, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def bench_taskwarrior(records, args, env):
    d = os.path.join(args.work, "taskwarrior")
    data = os.path.join(d, "data")
    st = os.stat(args.export)
    stamp = f"{os.path.abspath(args.export)} {st.st_size} {st.st_mtime_ns} {len(records)}\n"
    stamp_file = os.path.join(d, "stamp")
    env = dict(env, TASKRC=os.path.join(d, "taskrc"))
    try:
        with open(stamp_file) as f:
            reuse = f.read() == stamp
    except OSError:
        reuse = False
    if reuse:
        log(f"refs_local: taskwarrior: reusing the import in {d}")
    else:
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(data)
        with open(env["TASKRC"], "w") as f:
            f.write(f"data.location={data}\nnews.version=2.6.0\n")
        tasks = os.path.join(d, "import.json")
        with open(tasks, "w", encoding="utf-8") as f:
            json.dump([to_task(r) for r in records], f, ensure_ascii=False)
        log(f"refs_local: taskwarrior: importing {len(records)} tasks (log in {d}/import.log)")
        ms, _, code = run_task(env, ["task", "import", tasks], os.path.join(d, "import.log"))
        if code != 0:
            raise SystemExit(f"refs_local: task import exited {code}, see {d}/import.log")
        log(f"refs_local: taskwarrior: imported in {ms / 1000:.1f} s")
        with open(stamp_file, "w") as f:
            f.write(stamp)

    log(f"refs_local: taskwarrior: task list x{args.runs}")
    out = os.path.join(d, "list.out")
    walls, rss = [], []
    for i in range(args.runs):
        ms, kb, code = run_task(env, ["task", f"rc.defaultwidth={args.cols}", "list"], out)
        if code != 0:
            raise SystemExit(f"refs_local: task list exited {code}, see {out}")
        walls.append(ms)
        rss.append(kb / 1024)
    with open(out, encoding="utf-8", errors="replace") as f:
        shown = re.findall(r"^(\d+) tasks?\b", f.read(), re.M)
    if not shown or int(shown[-1]) != len(records):
        log(f"refs_local: taskwarrior: task list shows {shown[-1] if shown else 'no'} tasks, "
            f"expected {len(records)}")
    extra = {"records": len(records)}
    emit("taskwarrior_list", walls, **extra)
    emit("taskwarrior_peak_rss", rss, unit="MB", **extra)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--export", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--presses", type=int, default=40)
    ap.add_argument("--calcurse-runs", type=int,
                    help="first frames of calcurse (default --runs; it takes about two "
                         "minutes a frame at 100,000 items)")
    ap.add_argument("--size", default="80x24")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds a first screen may take (default 600)")
    args = ap.parse_args()
    args.cols, args.rows = (int(x) for x in args.size.lower().split("x"))
    args.work = os.path.abspath(args.work)
    with open(args.export, encoding="utf-8") as f:
        records = json.load(f)["records"]
    home = os.path.join(args.work, "home")
    os.makedirs(home, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "XDG_CONFIG_HOME": os.path.join(home, "config"),
           "XDG_DATA_HOME": os.path.join(home, "data"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    if shutil.which("calcurse"):
        bench_calcurse(records, args, env)
    else:
        print(json.dumps({"name": "calcurse", "skipped": "not installed"}), flush=True)
    if shutil.which("task"):
        bench_taskwarrior(records, args, env)
    else:
        print(json.dumps({"name": "taskwarrior", "skipped": "not installed"}), flush=True)


if __name__ == "__main__":
    main()

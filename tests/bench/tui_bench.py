"""noron's full-screen interface, timed in a pseudo-terminal.

    python3 tests/bench/tui_bench.py --noron ./noron --db CACHE --size 80x24 \\
        [--runs 15] [--presses 40] [--quiet-ms 40]

Prints one JSON object per line on stdout, progress on stderr:
    {"name": "first_frame", "unit": "ms", "samples": [...]}
    {"name": "key_j", "unit": "ms", "samples": [...], "pane": "Skills"}
    ...
    {"name": "tui_peak_rss", "unit": "MB", "samples": [x]}

noron runs as `noron --db CACHE` with HOME, XDG_CONFIG_HOME and XDG_DATA_HOME
in a fresh temporary directory (no config, so no sync), TERM=xterm-256color,
LANG=C.UTF-8, in a pty of the given size. A key's latency is the time from
writing it to the last byte of the redraw it causes (output settled for
--quiet-ms); every key must redraw something, or the run fails naming the key.

first_frame  spawn to the last byte of the first full screen (tab bar with
             "1 Areas" on top, status line at the bottom), --runs times; each
             run quits with q and must exit 0.
Then one noron, kept running, takes --presses samples of each key:
key_pane     1..6 in turn (each switch one sample; the tab bar must follow)
key_j key_k  down and up the Skills list (Projects when Skills has fewer than
             two rows: the seeded cache has none); sweeps down and back up
key_pgdn     PgDn from the top as far as the list allows, then g (not timed)
key_G key_g  last row, first row, alternately
key_open     Enter on a row of that list (the record opens in a box), Esc
             closes it (not timed)
key_filter   "/" then "arkiv" one character at a time (each one sample, the
             list is filtered as you type), Esc clears
key_search   "\\" (search every record) then "arkiv" one character at a time,
             Esc closes
key_month    Calendar: ">" six times then "<" six times
tui_peak_rss VmHWM of that noron after all of the above
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import NoOutput, PtyTerm  # noqa: E402

PANES = ["Areas", "Skills", "Projects", "Calendar", "Proposals", "People"]
PGDN = b"\x1b[6~"
ESC = b"\x1b"
WORD = "arkiv"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def emit(name, samples, unit="ms", **extra):
    print(json.dumps({"name": name, "unit": unit,
                      "samples": [round(s, 3) for s in samples], **extra}), flush=True)


def first_screen(lines):
    return "1 Areas" in lines[0] and "synced" in lines[-1]


def active_tab(term):
    """Name of the highlighted tab: the one drawn unlike the others."""
    line = term.screen_text()[0]  # first: it brings pyte's screen up to date
    row = term.screen.buffer[0]
    looks = {}
    for m in re.finditer(r"([1-6]) (%s)" % "|".join(PANES), line):
        c = row[m.start()]
        looks[m.group(2)] = (c.fg, c.bg, c.bold, c.reverse)
    for name, look in looks.items():
        if list(looks.values()).count(look) == 1:
            return name
    return None


class Session:
    def __init__(self, term, quiet_ms):
        self.t, self.quiet, self.late = term, quiet_ms, 0

    def emit(self, name, samples, **extra):
        """emit(), with how many replies paused longer than --quiet-ms (their
        sample is too short by the rest of the reply) when any did."""
        late, self.late = self.t.late - self.late, self.t.late
        if late:
            log(f"tui_bench: {name}: {late} replies went on after a {self.quiet:g} ms pause")
            extra["late"] = late
        emit(name, samples, **extra)

    def key(self, data, name, expect=None, what=""):
        """Latency of one key in ms; expect(lines) must come to hold."""
        try:
            lat = self.t.key(data, quiet_ms=self.quiet, name=name, expect=expect)
        except NoOutput as e:
            raise SystemExit(f"tui_bench: {name}: {e}") from None
        except TimeoutError as e:
            raise SystemExit(f"tui_bench: {name}: not {what}: {e}") from None
        return lat * 1000

    def pane(self, n):
        """Switches to pane n, untimed (no key when it is shown already)."""
        if active_tab(self.t) != PANES[n - 1]:
            self.key(str(n).encode(), f"pane {n}",
                     lambda _: active_tab(self.t) == PANES[n - 1], f"{PANES[n - 1]} tab")

    def count(self):
        """The row count the status line gives ("2562 skills")."""
        m = re.search(r"(\d+) (skills?|projects?)\b", self.t.screen_text()[-1])
        return int(m.group(1)) if m else 0


def spawn(args, env):
    return PtyTerm([args.noron, "--db", args.db], args.cols, args.rows, env)


def bench_first_frame(args, env):
    samples = []
    for i in range(args.runs):
        t = spawn(args, env)
        try:
            last = t.wait_screen(first_screen, timeout=60, quiet_ms=args.quiet_ms)
            samples.append((last - t.t_start) * 1000)
        finally:
            status = t.close(quit_key=b"q")
        if status != 0:
            raise SystemExit(f"tui_bench: first_frame run {i + 1}: noron exited {status}")
    emit("first_frame", samples)


def bench_keys(args, env):
    t = spawn(args, env)
    s = Session(t, args.quiet_ms)
    try:
        t.wait_screen(first_screen, timeout=60, quiet_ms=args.quiet_ms)
        n = args.presses

        samples, order = [], [2, 3, 4, 5, 6, 1]
        while len(samples) < n:
            p = order[len(samples) % 6]
            samples.append(s.key(str(p).encode(), "key_pane",
                                 lambda _, p=p: active_tab(t) == PANES[p - 1],
                                 f"{PANES[p - 1]} tab active"))
        s.emit("key_pane", samples)

        # Skills, the biggest list, unless it is (nearly) empty
        s.pane(2)
        count, pane = s.count(), "Skills"
        if count < 2:
            s.pane(3)
            count, pane = s.count(), "Projects"
        if count < 2:
            raise SystemExit("tui_bench: neither Skills nor Projects has two rows to move in")
        log(f"tui_bench: lists: {pane} pane, {count} rows")

        down, up = [], []
        sweep = min(n, count - 1)
        while len(down) < n:
            for _ in range(sweep):
                down.append(s.key(b"j", "key_j"))
            for _ in range(sweep):
                up.append(s.key(b"k", "key_k"))
        s.emit("key_j", down[:n], pane=pane)
        s.emit("key_k", up[:n], pane=pane)

        # PgDn moves the cursor one list height, less than the terminal's
        # rows - 3: from the top, (count - 2) // (rows - 3) + 1 presses all move.
        samples = []
        sweep = (count - 2) // (args.rows - 3) + 1
        while len(samples) < n:
            for _ in range(min(sweep, n - len(samples))):
                samples.append(s.key(PGDN, "key_pgdn"))
            s.key(b"g", "g after PgDn")
        s.emit("key_pgdn", samples, pane=pane)

        big, small = [], []
        while len(small) < n:
            big.append(s.key(b"G", "key_G"))
            small.append(s.key(b"g", "key_g"))
        s.emit("key_G", big, pane=pane)
        s.emit("key_g", small, pane=pane)

        samples, at = [], 0
        opened = lambda lines: "Esc close" in lines[-1]  # noqa: E731
        while len(samples) < n:
            samples.append(s.key(b"\r", "key_open", opened, "the record in a box"))
            s.key(ESC, "Esc after open", lambda _: active_tab(t) == pane, "back to the list")
            if at + 1 < count:
                s.key(b"j", "j after open")
                at += 1
            else:
                s.key(b"g", "g after open")
                at = 0
        s.emit("key_open", samples, pane=pane)

        samples = []
        while len(samples) < n:
            s.key(b"/", "/ (filter)")
            for i, ch in enumerate(WORD):
                typed = WORD[:i + 1]
                samples.append(s.key(ch.encode(), "key_filter",
                                     lambda lines, x=typed: lines[-1].startswith("/" + x),
                                     f"/{typed} on the bottom line"))
            s.key(ESC, "Esc after filter")
        s.emit("key_filter", samples[:n], pane=pane, text=WORD)

        samples = []
        while len(samples) < n:
            s.key(b"\\", "\\ (search)", lambda lines: any("filter:" in x for x in lines),
                  "the search box")
            for i, ch in enumerate(WORD):
                typed = WORD[:i + 1]
                samples.append(s.key(ch.encode(), "key_search",
                                     lambda lines, x=typed: any("filter: " + x in y
                                                                for y in lines),
                                     f"filter: {typed} in the search box"))
            s.key(ESC, "Esc after search")
        s.emit("key_search", samples[:n], text=WORD)

        s.pane(4)
        samples = []
        month = re.compile(r"\b(January|February|March|April|May|June|July|August|"
                           r"September|October|November|December) \d{4}")

        def shown():
            m = month.search("\n".join(t.screen_text()))
            return m.group(0) if m else None

        while len(samples) < n:
            for k in b">" * 6 + b"<" * 6:
                before = shown()
                samples.append(s.key(bytes([k]), "key_month",
                                     lambda _, b=before: shown() not in (None, b),
                                     f"another month than {before}"))
        s.emit("key_month", samples[:n])

        for p in range(1, 7):  # every pane visited, after the rest
            s.pane(p)
        kb = t.peak_rss_kb()
        if kb is None:
            raise SystemExit("tui_bench: no VmHWM for noron")
        emit("tui_peak_rss", [kb / 1024], unit="MB")
    finally:
        status = t.close(quit_key=b"q")
    if status != 0:
        raise SystemExit(f"tui_bench: noron exited {status}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--noron", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--size", default="80x24")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--presses", type=int, default=40)
    ap.add_argument("--quiet-ms", type=float, default=40)
    args = ap.parse_args()
    args.cols, args.rows = (int(x) for x in args.size.lower().split("x"))
    args.noron = os.path.abspath(args.noron)
    home = tempfile.mkdtemp(prefix="noron-tui-bench.")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "XDG_CONFIG_HOME": os.path.join(home, "config"),
           "XDG_DATA_HOME": os.path.join(home, "data"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    try:
        log(f"tui_bench: {args.db} at {args.size}: first frame x{args.runs}")
        bench_first_frame(args, env)
        log(f"tui_bench: keys x{args.presses}")
        bench_keys(args, env)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

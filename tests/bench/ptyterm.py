"""A program in a pseudo-terminal, with timing: the driver for screen benchmarks.

    from ptyterm import PtyTerm
    t = PtyTerm(["./noron", "--db", "x.db"], cols=80, rows=24,
                env={"TERM": "xterm-256color", "LANG": "C.UTF-8", ...})
    try:
        t_first = t.wait_screen(lambda lines: "1 Areas" in lines[0])
        print("first frame", (t_first - t.t_start) * 1000, "ms")
        print("j", t.key(b"j") * 1000, "ms")     # write, then last byte of the reply
        print(t.screen_text())                   # what the screen shows (pyte)
        print(t.peak_rss_kb(), "kB")
    finally:
        status = t.close(quit_key=b"q")          # exit status, child always reaped

Times are time.perf_counter() seconds. t_start is taken just before fork.
settle() reads until no byte has come for quiet_ms and returns the time of the
last byte read; key() gives a keystroke's latency: that time minus the time
just before the write (send() returns the time just after it; the program
often replies while the write is still in the kernel). A key that brings no
output at all raises NoOutput. key(..., expect=pred) reads until pred(lines)
holds before settling, so a reply with a pause longer than quiet_ms is still
taken whole; output still coming when the next key is sent is counted in
.late. Bytes reach pyte only when the screen is looked at, so pyte's slowness
does not delay the reads and their timestamps.

The screen is pyte's, with what ncurses sends for xterm-256color and pyte 0.8
lacks added (scroll up/down, repeat character, insert/delete lines fixed);
checked against tmux capture-pane on noron's panes at 80x24 and 200x60.

Needs pyte (Debian: apt-get install python3-pyte); when the python3 on PATH is
not Debian's, /usr/lib/python3/dist-packages is tried too.
"""
import errno
import fcntl
import os
import select
import shutil
import signal
import struct
import sys
import termios
import time

try:
    import pyte
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
    import pyte


class _Screen(pyte.Screen):
    """pyte's screen plus what ncurses sends for xterm-256color that pyte 0.8
    lacks or gets wrong: SU/SD (scroll up/down, CSI n S / T), REP (repeat
    the last character, CSI n b), and IL/DL leaving stale text on blank lines."""

    _last = " "

    def draw(self, data):
        if data:
            self._last = data[-1]
        super().draw(data)

    def repeat_char(self, count=None, **_):
        self.draw(self._last * (count or 1))

    def _shift(self, top, bottom, n):
        """Moves lines top..bottom up by n (down when n < 0), blanks the rest."""
        old = {y: self.buffer[y] for y in range(top, bottom + 1) if y in self.buffer}
        for y in range(top, bottom + 1):
            if top <= y + n <= bottom and y + n in old:
                self.buffer[y] = old[y + n]
            else:
                self.buffer.pop(y, None)
        self.dirty.update(range(top, bottom + 1))

    def _margins(self):
        return self.margins or pyte.screens.Margins(0, self.lines - 1)

    def scroll_up(self, count=None, **_):
        top, bottom = self._margins()
        self._shift(top, bottom, count or 1)

    def scroll_down(self, count=None, **_):
        top, bottom = self._margins()
        self._shift(top, bottom, -(count or 1))

    def insert_lines(self, count=None):
        top, bottom = self._margins()
        if top <= self.cursor.y <= bottom:
            self._shift(self.cursor.y, bottom, -(count or 1))
            self.carriage_return()

    def delete_lines(self, count=None):
        top, bottom = self._margins()
        if top <= self.cursor.y <= bottom:
            self._shift(self.cursor.y, bottom, count or 1)
            self.carriage_return()


class _Stream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, S="scroll_up", T="scroll_down", b="repeat_char")


class NoOutput(RuntimeError):
    """The program wrote nothing when it was expected to."""


class PtyTerm:
    def __init__(self, argv, cols=80, rows=24, env=None):
        self.argv = list(argv)
        self.cols, self.rows = cols, rows
        self.screen = _Screen(cols, rows)
        self.stream = _Stream(self.screen)
        self.eof = False
        self.status = None
        self.nbytes = 0
        self.killed = False
        self.t_write = None
        self.late = 0  # replies that went on after the quiet time (see key())
        self._pending = []
        # posix_spawn (vfork and exec) rather than os.fork: forking this
        # Python process costs more than noron takes to draw its first
        # screen, and t_start is the program's start. The child gets a new
        # session and opens the pty by name, which makes it the controlling
        # terminal (glibc does setsid before the file actions).
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        name = os.ttyname(slave)
        path = shutil.which(self.argv[0]) or self.argv[0]
        actions = [(os.POSIX_SPAWN_OPEN, 0, name, os.O_RDWR, 0),
                   (os.POSIX_SPAWN_DUP2, 0, 1), (os.POSIX_SPAWN_DUP2, 0, 2)]
        self.t_start = time.perf_counter()
        pid = os.posix_spawn(path, self.argv, env if env is not None else os.environ,
                             file_actions=actions, setsid=True,
                             setsigdef=(signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT))
        os.close(slave)
        self.pid, self.fd = pid, master

    # -- reading ---------------------------------------------------------
    def _read_once(self, timeout):
        """Reads what is there within timeout seconds; time of the read or None."""
        if self.eof:
            return None
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return None
        try:
            data = os.read(self.fd, 65536)
        except OSError as e:  # EIO: the child closed its side of the pty
            if e.errno != errno.EIO:
                raise
            data = b""
        t = time.perf_counter()
        if not data:
            self.eof = True
            return None
        self.nbytes += len(data)
        self._pending.append(data)  # fed to pyte when the screen is looked at
        return t

    def settle(self, quiet_ms=40, timeout=10):
        """Reads until no byte came for quiet_ms; time of the last byte, or None.

        Waits up to timeout seconds for the first byte."""
        return self._drain(None, None, quiet_ms, timeout)

    def _drain(self, last, since, quiet_ms, timeout):
        """Reads until quiet_ms passed with nothing after the last byte (or
        after since, when no byte came yet and since is given)."""
        deadline = time.perf_counter() + timeout
        while not self.eof:
            now = time.perf_counter()
            mark = last if last is not None else since
            end = deadline if mark is None else min(mark + quiet_ms / 1000, deadline)
            if end <= now:
                break
            t = self._read_once(end - now)
            if t is not None:
                last = t
        return last

    def wait_screen(self, pred, timeout=10, quiet_ms=40):
        """Reads until pred(screen lines) holds, then settles; time of the last
        byte (None when pred held at once and nothing more came)."""
        deadline = time.perf_counter() + timeout
        last = None
        while True:
            # take all there is before looking: pyte is slow, and reads
            # made while it works would be stamped late
            while (t := self._read_once(0)) is not None:
                last = t
            if pred(self.screen_text()):
                break
            if self.eof:
                raise NoOutput(f"{self.argv[0]} ended before the expected screen:\n"
                               + self.dump())
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"expected screen not seen in {timeout}s:\n" + self.dump())
            t = self._read_once(min(left, 0.2))
            if t is not None:
                last = t
        left = max(deadline - time.perf_counter(), quiet_ms / 1000)
        return self._drain(last, time.perf_counter(), quiet_ms, left)

    # -- writing ---------------------------------------------------------
    def send(self, data):
        """Writes keys; the time just after the write (the time just before
        it is kept in self.t_write)."""
        if isinstance(data, str):
            data = data.encode()
        view = memoryview(data)
        self.t_write = time.perf_counter()
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        return time.perf_counter()

    def key(self, data, quiet_ms=40, timeout=10, name=None, expect=None):
        """Sends a key and settles: its latency in seconds, from just before
        the write to the last byte of the reply. With expect, reads until
        expect(screen lines) holds, then settles.

        Just before, not after: the program often runs, and replies, while
        the write is still in the kernel, and the time after the write would
        then miss most of the work. Raises NoOutput when the key brought no
        output at all, TimeoutError when expect never held. Output found
        before the write belongs to the previous key: it is read first and
        counted in self.late (that reply had a pause longer than quiet_ms)."""
        name = name or repr(data)
        if self._read_once(0) is not None:
            self.late += 1
            self.settle(quiet_ms, timeout)
        self._feed()  # now, not while this key's reply is read
        before = self.nbytes
        self.send(data)
        t0 = self.t_write
        try:
            if expect is None:
                t1 = self.settle(quiet_ms, timeout)
            else:
                t1 = self.wait_screen(expect, timeout, quiet_ms)
        except (TimeoutError, NoOutput):
            if self.nbytes > before:
                raise
            t1 = None
        if t1 is None:
            if self.eof:
                raise NoOutput(f"{self.argv[0]} ended before key {name}:\n" + self.dump())
            raise NoOutput(f"key {name} produced no output within {timeout}s:\n"
                           + self.dump())
        return t1 - t0

    # -- looking ---------------------------------------------------------
    def screen_text(self):
        """The screen as a list of lines (pyte's view of it)."""
        self._feed()
        return list(self.screen.display)

    def _feed(self):
        if self._pending:
            data, self._pending = b"".join(self._pending), []
            self.stream.feed(data)

    def dump(self):
        return "\n".join("|" + line.rstrip() for line in self.screen_text())

    def peak_rss_kb(self):
        """The child's peak resident set (VmHWM) in kB, or None when unknown."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    # -- ending ----------------------------------------------------------
    def _reap(self, timeout):
        deadline = time.perf_counter() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return status
            if time.perf_counter() >= deadline:
                return None
            # drain output so the child never blocks on a full pty
            if self._read_once(0.01) is None and self.eof:
                time.sleep(0.005)

    def close(self, quit_key=None, timeout=5):
        """Quits (quit_key, if given), waits up to timeout s, else SIGKILL.

        Returns the exit code (negative signal number when killed); always
        reaps the child and closes the pty."""
        if self.status is not None:
            return self.status
        status = None
        try:
            if quit_key is not None and not self.eof:
                try:
                    self.send(quit_key)
                except OSError:
                    pass
            status = self._reap(timeout)
        finally:
            if status is None:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                _, status = os.waitpid(self.pid, 0)
                self.killed = True
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.eof = True
        self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

# shellcheck shell=bash
# Shared by the full-screen interface's tests (tests/tui/test_*.sh), which
# source it.
#
# Each test gets a private temporary directory (the cache, HOME, the XDG
# directories, the config, TMPDIR) and, for each start of noron, a private
# tmux server on a socket in it (tmux -S SOCKET -f /dev/null: no user
# configuration is read) with the status line off, so the pane is the whole
# window. The window is named "win" (renaming allowed, so a leaked rename
# sequence would show) and the pane titled "noron-test-title" before noron
# starts (a leaked OSC title would change it). noron runs in the pane with a
# fixed environment, through a small wrapper that records its pid and, when
# it exits, its exit code and the terminal modes before and after; the pane
# then reads "[noron exited with N]" and echoes what is typed, like a shell.
#
# Nothing waits with a plain sleep: the screen is polled every 0.05 s until
# the expected text appears or a deadline passes. The last capture is kept
# until the next key, resize or start, so several checks of one screen cost
# one capture. The harness (make check) sets NORON, the absolute path of the
# binary, and TESTS_DIR, that of tests/.
#
#   start_noron [W H] [VAR=VALUE...] [-- NORON-ARGS...]
#                        starts noron in a W x H pane (80x24) with the pinned
#                        environment plus VAR=VALUE (TERM, EDITOR, NO_COLOR, ...)
#                        and checks that it draws its first screen
#                        (START_EXPECT_EXIT=1: noron should exit at once;
#                        START_SETSID=1: noron runs in a session of its own,
#                        so a hangup of the terminal sends it no SIGHUP)
#   stop_noron           ends the tmux server (and so noron) before a new start
#   keys KEY...          tmux send-keys (key names: Enter Escape Tab BTab C-s ...)
#   type_text TEXT       sends TEXT literally (UTF-8 included)
#   resize W H           tmux resize-window
#   screen               the pane's text now (capture-pane -p), one line a row
#   wait_for TEXT [S]    polls until the screen holds TEXT (S seconds, default 5);
#                        returns 0 or 1 and counts nothing
#   wait_gone TEXT [S]   polls until the screen no longer holds TEXT
#   expect_screen TEXT [DESC]      an assertion: TEXT appears (waits as wait_for)
#   expect_not_screen TEXT [DESC]  an assertion: TEXT is (or goes) away; first
#                        wait for something that shows the new screen is drawn
#   expect_line_has TEXT1 TEXT2 [DESC]  some line holds both
#   expect_bottom TEXT [DESC]      the last line (status or prompt) starts with TEXT
#   expect_tab NAME      the tab bar marks NAME as the current pane (attributes)
#   alive [DESC]         an assertion: noron still runs (pane and pid alive)
#   noron_exited         true once noron has exited (its code in $T/rc)
#   pane_fmt FORMAT      tmux display -p FORMAT for the pane (pane_title, ...)
#   screen_column TEXT [ROW-TEXT]  display column of TEXT on ROW-TEXT's line
#   screen_colors / screen_attrs   colour codes / attributes (1 2 4 7) on screen
#   expect_cursor_on TEXT DESC     the hardware cursor stands on TEXT
#   run ARGS...          runs the command line "$NORON" ARGS on the same cache;
#                        stdout in $OUT, exit code in $RC
#   expect_out TEXT / expect_out_not TEXT   the last run's stdout has / has not TEXT
#   field_of ID FIELD    a record's field, from show --json
#   id_where TYPE FIELD VALUE      the id of the first record with FIELD = VALUE
#   snapshot / expect_unchanged [DESC]   the cache (export, status) is as it was
#   check DESC CMD...    an assertion of its own: CMD succeeds
#   pass DESC / fail DESC [DETAIL-FUNCTION]   count one assertion (fail shows
#                        the screen, or what DETAIL-FUNCTION prints)
#   finish               prints "N passed, N failed"; exits 0 only if none failed
#   skip REASON          exits 77 (skipped)

set -u

if [ -z "${NORON:-}" ] || [ ! -x "$NORON" ]; then
	echo "Bail out! NORON must be the path of the noron binary (got '${NORON:-}')" >&2
	exit 99
fi
: "${TESTS_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

skip()
{
	echo "SKIP: $*"
	exit 77
}

TMUX_BIN=$(type -P tmux) || skip "tmux is missing"

# A unix socket path must stay short (108 bytes): fall back to /tmp.
T=$(mktemp -d "${TMPDIR:-/tmp}/noron-tui.XXXXXX") || exit 99
if [ ${#T} -gt 80 ]; then
	rm -rf "$T"
	T=$(mktemp -d /tmp/noron-tui.XXXXXX) || exit 99
fi
SOCK="$T/sock.0"	# one server per start_noron: sock.1, sock.2, ...
STARTS=0
NORON_PID=

SERVER_PIDS=()	# every tmux server started, ended by pid if need be

_cleanup()
{
	local s
	for s in "$T"/sock.*; do
		[ -S "$s" ] && "$TMUX_BIN" -S "$s" kill-server >/dev/null 2>&1
	done
	for s in ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do
		# only a server of ours (a pid may have been reused)
		if _wait_pid_gone "$s" 1 || ! tr '\0' ' ' <"/proc/$s/cmdline" 2>/dev/null \
			| grep -qF -- "$T/sock"; then
			continue
		fi
		_end_pid "$s"
	done
	# The pane's processes get SIGHUP from the server; make sure ours is gone.
	_wait_pid_gone "$NORON_PID" 2 || _end_pid "$NORON_PID"
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 99' INT TERM HUP

mkdir -p "$T/home/.config" "$T/home/.local/share" "$T/home/.cache" "$T/tmp" || exit 99

# The same environment for the command line run from here and for the pane.
export HOME="$T/home"
export XDG_DATA_HOME="$T/home/.local/share"
export XDG_CONFIG_HOME="$T/home/.config"
export XDG_CACHE_HOME="$T/home/.cache"
export NORON_DB="$T/cache.db"
export NORON_CONFIG="$T/config"
export USER=tester
export TZ=UTC
export LC_ALL=C.UTF-8
export LANG=C.UTF-8
unset NORON_BUSY_TIMEOUT EDITOR VISUAL LANGUAGE TMUX TMUX_PANE NO_COLOR

PASSED=0
FAILED=0
RC=
LAST=
OUT="$T/out"
ERR="$T/err"
: >"$OUT"
: >"$ERR"
DEADLINE=5	# seconds any wait gives the screen
SCREEN=		# the last capture...
SCREEN_NEW=	# ...and whether it was taken after the last input

# The tests call python3 (standard library only) through this function: the
# interpreter itself, found once, starts much faster than a pyenv-style shim.
PYTHON=
need_python()
{
	PYTHON=$(type -P python3) || skip "python3 is missing"
	local exe
	exe=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$exe" ] && PYTHON=$exe
}

python3()
{
	"${PYTHON:-$(type -P python3)}" -S "$@"
}

tm()
{
	"$TMUX_BIN" -u -S "$SOCK" "$@"
}

_indent()
{
	sed -e 's/^/#   /' | head -n 70
}

# ---------------------------------------------------------------------------
# Counting assertions.

pass()
{
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

# fail DESC [DETAIL-FUNCTION]: a failed assertion, with the screen.
fail()
{
	FAILED=$((FAILED + 1))
	echo "not ok - $1"
	"${2:-_show_screen}"
}

check()
{
	local desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
	fi
}

finish()
{
	echo "$PASSED passed, $FAILED failed"
	if [ $((PASSED + FAILED)) -eq 0 ]; then
		echo "Bail out! no assertion ran"
		exit 99
	fi
	[ "$FAILED" -eq 0 ]
	exit
}

# ---------------------------------------------------------------------------
# Time and processes.

# NOW_MS: milliseconds, for deadlines (no subshell: polls stay cheap).
_now()
{
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		NOW_MS=$((10#$t / 1000))
	else
		NOW_MS=$((SECONDS * 1000))
	fi
}

# _deadline [SECONDS]: sets END_MS, when a wait gives up; _before END: not yet.
_deadline()
{
	_now
	END_MS=$((NOW_MS + ${1:-$DEADLINE} * 1000))
}

_before()
{
	_now
	[ "$NOW_MS" -lt "$1" ]
}

# A process runs (a zombie does not count: it has exited).
_pid_runs()
{
	local st=
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		read -r st <"/proc/$1/stat" 2>/dev/null
		st=${st##*) }
		st=${st%% *}
	else
		st=$(ps -o stat= -p "$1" 2>/dev/null)
	fi
	[ "${st:0:1}" != Z ]
}

# _wait_pid_gone PID SECONDS: true once PID no longer runs.
_wait_pid_gone()
{
	local end
	_deadline "$2"
	end=$END_MS
	while _pid_runs "$1"; do
		_before "$end" || return 1
		sleep 0.05
	done
	return 0
}

_end_pid()
{
	_pid_runs "$1" || return 0
	kill -TERM "$1" 2>/dev/null
	_wait_pid_gone "$1" 1 || kill -KILL "$1" 2>/dev/null
}

noron_exited()
{
	[ -s "$T/rc" ]
}

# ---------------------------------------------------------------------------
# noron in its tmux pane.

# The pane's command: a wrapper around noron with a clean environment.
_write_wrapper()
{
	cat >"$T/run.sh" <<'WRAPPER'
#!/bin/sh
# $1: the test directory; $2: "setsid -w" or ""; then noron and its arguments.
T=$1
SETSID=$2
shift 2
# A known pane title (tmux's #{pane_title}): nothing noron shows may change it.
printf '\033]2;%s\007' "noron-test-title"
stty -g >"$T/stty.before" 2>/dev/null
$SETSID sh -c 'echo $$ >"$1.new" && mv "$1.new" "$1"; shift; exec "$@"' sh "$T/noron.pid" "$@"
rc=$?
stty -g >"$T/stty.after" 2>/dev/null
echo "$rc" >"$T/rc"
printf '[noron exited with %s]\n$ ' "$rc"
exec cat
WRAPPER
}

start_noron()
{
	local w=80 h=24
	if [ $# -ge 2 ] && [[ $1 =~ ^[0-9]+$ ]] && [[ $2 =~ ^[0-9]+$ ]]; then
		w=$1 h=$2
		shift 2
	fi
	local envs=(
		"PATH=$PATH" "TERM=xterm-256color" "LANG=C.UTF-8" "LC_ALL=C.UTF-8"
		"HOME=$HOME" "XDG_DATA_HOME=$XDG_DATA_HOME" "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"
		"XDG_CACHE_HOME=$XDG_CACHE_HOME" "NORON_DB=$NORON_DB" "NORON_CONFIG=$NORON_CONFIG"
		"TMPDIR=$T/tmp" "USER=$USER" "TZ=$TZ"
	)
	local extra=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		extra+=("$1")
		shift
	done
	envs+=(${extra[@]+"${extra[@]}"})
	[ "${1:-}" = -- ] && shift
	rm -f "$T/noron.pid" "$T/rc" "$T/stty.before" "$T/stty.after"
	STARTS=$((STARTS + 1))
	SOCK="$T/sock.$STARTS"
	SCREEN_NEW=
	_write_wrapper
	local setsid="" cmd end
	[ -n "${START_SETSID:-}" ] && setsid="setsid -w"
	printf -v cmd '%q ' exec env -i "${envs[@]}" /bin/sh "$T/run.sh" "$T" "$setsid" "$NORON" "$@"
	tm start-server \; set -g status off \; set -g remain-on-exit on \
		\; set -g allow-rename on \; set -g automatic-rename off \
		\; new-session -d -s t -n win -x "$w" -y "$h" "$cmd" || {
		echo "Bail out! tmux cannot start a session"
		exit 99
	}
	SERVER_PIDS+=("$(tm display -p '#{pid}' 2>/dev/null)")
	_deadline
	end=$END_MS
	while [ ! -s "$T/noron.pid" ] && _before "$end"; do
		sleep 0.05
	done
	NORON_PID=$(cat "$T/noron.pid" 2>/dev/null)
	local what="noron starts in a ${w}x$h pane"
	[ ${#extra[@]} -gt 0 ] && what+=" with ${extra[*]##*/}"
	if [ -n "${START_EXPECT_EXIT:-}" ]; then
		: # the caller checks how it ended
	elif _first_screen && ! noron_exited; then
		pass "$what"
	else
		fail "$what"
	fi
}

# Waits for the first screen, whatever its size: the tab bar, or the notice.
_first_screen()
{
	local end
	_deadline
	end=$END_MS
	while _before "$end"; do
		_capture
		case $SCREEN in
		*"1 Areas"* | *"too small"* | *"noron exited"*) return 0 ;;
		esac
		sleep 0.05
	done
	return 1
}

# Ends the tmux server; noron gets a hangup. One that outlives it (a bug the
# test reports on its own) is ended by its pid.
stop_noron()
{
	SCREEN_NEW=
	tm kill-server >/dev/null 2>&1
	_wait_pid_gone "$NORON_PID" "$DEADLINE" || _end_pid "$NORON_PID"
	NORON_PID=
}

keys()
{
	SCREEN_NEW=
	tm send-keys -t t "$@"
}

type_text()
{
	SCREEN_NEW=
	tm send-keys -t t -l "$1"
}

resize()
{
	SCREEN_NEW=
	tm resize-window -t t -x "$1" -y "$2"
}

pane_fmt()
{
	tm display -p -t t "$1" 2>/dev/null
}

screen()
{
	tm capture-pane -p -t t 2>/dev/null
}

# Keeps every line, the empty last ones too; read forks nothing.
_capture()
{
	tm capture-pane -p -t t >"$T/screen" 2>/dev/null
	IFS= read -r -d '' SCREEN <"$T/screen"
	SCREEN_NEW=1
}

_show_screen()
{
	echo "#   screen ($(pane_fmt '#{pane_width}x#{pane_height}')):"
	screen | _indent
	if noron_exited; then
		echo "#   noron exited with $(cat "$T/rc")"
	fi
	return 0
}

# _poll TEST SECONDS: captures the screen until TEST (a function of $SCREEN)
# holds or the time is up; a capture taken since the last input counts as
# the first. Once noron has exited, only its exit line can still come.
_poll()
{
	local end after=0
	_deadline "${2:-}"
	end=$END_MS
	[ -n "$SCREEN_NEW" ] || _capture
	while :; do
		"$1" && return 0
		if noron_exited; then
			after=$((after + 1))
			[ $after -gt 6 ] && return 1
		fi
		_before "$end" || return 1
		sleep 0.05
		_capture
	done
}

_has()
{
	case $SCREEN in
	*"$WANT"*) return 0 ;;
	esac
	return 1
}

_lacks()
{
	! _has
}

_line_has()
{
	grep -F -- "$WANT" <<<"$SCREEN" | grep -qF -- "$WANT2"
}

_bottom_is()
{
	local last=${SCREEN%$'\n'}
	last=${last##*$'\n'}
	[ "${last#"$WANT"}" != "$last" ]
}

# wait_for TEXT [SECONDS]
wait_for()
{
	WANT=$1
	_poll _has "${2:-}"
}

wait_gone()
{
	WANT=$1
	_poll _lacks "${2:-}"
}

expect_screen()
{
	if wait_for "$1"; then
		pass "${2:-the screen shows '$1'}"
	else
		fail "${2:-the screen should show '$1'}"
	fi
}

expect_not_screen()
{
	if wait_gone "$1"; then
		pass "${2:-the screen does not show '$1'}"
	else
		fail "${2:-the screen should not show '$1'}"
	fi
}

expect_line_has()
{
	WANT=$1 WANT2=$2
	if _poll _line_has; then
		pass "${3:-a line shows '$1' with '$2'}"
	else
		fail "${3:-a line should show '$1' with '$2'}"
	fi
}

expect_bottom()
{
	WANT=$1
	# capture-pane drops trailing blanks
	while [ "${WANT% }" != "$WANT" ]; do WANT=${WANT% }; done
	if _poll _bottom_is; then
		pass "${2:-the last line starts with '$1'}"
	else
		fail "${2:-the last line should start with '$1'}"
	fi
}

_is_alive()
{
	[ "$(pane_fmt '#{pane_dead}')" = 0 ] && _pid_runs "$NORON_PID" && ! noron_exited
}

alive()
{
	if _is_alive; then
		pass "${1:-noron is still running}"
	else
		fail "${1:-noron should still be running}"
	fi
}

# ---------------------------------------------------------------------------
# The command line on the same cache, output kept in files.

run()
{
	LAST="noron $*"
	"$NORON" "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

_show_last()
{
	echo "#   exit code $RC"
	[ -s "$OUT" ] && { echo "#   stdout:"; _indent <"$OUT"; }
	[ -s "$ERR" ] && { echo "#   stderr:"; _indent <"$ERR"; }
	return 0
}

expect_out()
{
	if [ "$RC" = 0 ] && grep -qF -- "$1" "$OUT"; then
		pass "$LAST: stdout has '$1'"
	else
		fail "$LAST: stdout should have '$1'" _show_last
	fi
}

expect_out_not()
{
	if grep -qF -- "$1" "$OUT"; then
		fail "$LAST: stdout should not have '$1'" _show_last
	else
		pass "$LAST: stdout has no '$1'"
	fi
}

# The value of one field of a record, from show --json ("" when it has none).
field_of()
{
	"$NORON" show "$1" --json </dev/null 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
print("" if v is None else v if isinstance(v, str) else json.dumps(v))' "$2" 2>/dev/null
}

# The id of the first record of TYPE whose FIELD is VALUE ("" when none).
id_where()
{
	"$NORON" list "$1" --json </dev/null 2>/dev/null | python3 -c '
import json, sys
for r in json.load(sys.stdin)["records"]:
    if r.get(sys.argv[1]) == sys.argv[2]:
        print(r["_id"])
        break' "$2" "$3"
}

# snapshot / expect_unchanged [DESC]: the cache's export (without its time
# stamp) and status are the same as when snapshot ran.
_take_snapshot()
{
	"$NORON" export </dev/null 2>&1 | sed -e 's/"exported_at": *"[^"]*"/"exported_at": "-"/'
	echo "-- status"
	"$NORON" status --json </dev/null 2>&1
}

snapshot()
{
	_take_snapshot >"$T/snap.before"
}

_show_snapshot_diff()
{
	diff "$T/snap.before" "$T/snap.after" | _indent
	_show_screen
}

expect_unchanged()
{
	_take_snapshot >"$T/snap.after"
	if cmp -s "$T/snap.before" "$T/snap.after"; then
		pass "${1:-nothing changed in the cache}"
	else
		fail "${1:-nothing should have changed in the cache}" _show_snapshot_diff
		mv "$T/snap.after" "$T/snap.before"
	fi
}

# ---------------------------------------------------------------------------
# Screen analysis in python (standard library only): display columns by
# East Asian width, the attributes of the tab bar.
_screen_py()
{
	python3 -c '
import re, sys, unicodedata

def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w

def sgr_cells(line):
    """Yields (char, attributes) for a capture-pane -e line."""
    state = {}
    i = 0
    while i < len(line):
        m = re.match(r"\x1b\[([0-9;:]*)m", line[i:])
        if m:
            codes = [int(c or 0) for c in re.split("[;:]", m.group(1))] or [0]
            j = 0
            while j < len(codes):
                c = codes[j]
                if c == 0:
                    state = {}
                elif c in (38, 48) and j + 1 < len(codes):
                    n = 3 if codes[j + 1] == 5 else 5
                    state["fg" if c == 38 else "bg"] = tuple(codes[j:j + n])
                    j += n - 1
                elif 30 <= c <= 37 or 90 <= c <= 97 or c == 39:
                    state["fg"] = c
                elif 40 <= c <= 47 or 100 <= c <= 107 or c == 49:
                    state["bg"] = c
                elif c in (22, 23, 24, 25, 27, 28, 29):
                    state.pop({22: 1, 23: 3, 24: 4, 25: 5, 27: 7, 28: 8, 29: 9}[c], None)
                    if c == 22:
                        state.pop(2, None)
                else:
                    state[c] = True
                j += 1
            i += m.end()
            continue
        m = re.match(r"\x1b[^a-zA-Z]*[a-zA-Z]", line[i:])
        if m:
            i += m.end()
            continue
        yield line[i], tuple(sorted((str(k), str(v)) for k, v in state.items()))
        i += 1

what = sys.argv[1]
lines = sys.stdin.read().split("\n")
if what == "active-tab":
    cells = list(sgr_cells(lines[0]))
    text = "".join(c for c, _ in cells)
    tabs = [(m.group(2), cells[m.start(1)][1]) for m in re.finditer(r" ([1-6]) (\w+)(?= |$)", text)]
    attrs = [a for _, a in tabs]
    unique = [name for name, a in tabs if attrs.count(a) == 1]
    print(unique[0] if len(tabs) > 2 and len(unique) == 1 else "?")
elif what == "column":
    # column TEXT ROW-TEXT [TEXT ROW-TEXT...]: for each pair, the display
    # column where TEXT starts on the first line holding ROW-TEXT (and TEXT
    # after it), or -1; one a line.
    args = sys.argv[2:]
    for text, row in zip(args[::2], args[1::2]):
        for l in lines:
            at = l.find(text, l.find(row)) if row in l else -1
            if at >= 0:
                print(width(l[:at]))
                break
        else:
            print(-1)
elif what == "at":
    # at X Y N: the N display columns of text from column X of line Y
    x, y, n = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    line = lines[y] if y < len(lines) else ""
    out, col = "", 0
    for ch in line:
        w = width(ch)
        if col >= x and col + w <= x + n:
            out += ch
        col += w
    print(out + " " * (n - width(out)))
elif what == "colors":
    # the SGR codes used for colours, one a line
    used = set()
    for l in lines:
        for m in re.finditer(r"\x1b\[([0-9;:]*)m", l):
            codes = [int(c or 0) for c in re.split("[;:]", m.group(1))]
            for c in codes:
                if 30 <= c <= 38 or 40 <= c <= 48 or 90 <= c <= 97 or 100 <= c <= 107:
                    used.add(c)
    print(" ".join(str(c) for c in sorted(used)))
elif what == "attrs":
    # the attribute codes (bold 1, dim 2, underline 4, reverse 7) anywhere
    used = set()
    for l in lines:
        for _, a in sgr_cells(l):
            used.update(k for k, _ in a if k in ("1", "2", "4", "7"))
    print(" ".join(sorted(used)))
' "$@"
}

# The name of the tab the tab bar marks as active ("?" when none stands out).
active_tab()
{
	tm capture-pane -p -e -t t -S 0 -E 0 | _screen_py active-tab
}

# screen_column TEXT [ROW-TEXT [TEXT ROW-TEXT...]]: the display column where
# TEXT starts, on the first line that holds ROW-TEXT (TEXT itself when not
# given) with TEXT after it; -1 when none. One line per pair.
screen_column()
{
	[ -n "$SCREEN_NEW" ] || _capture
	if [ $# -eq 1 ]; then
		set -- "$1" "$1"
	fi
	printf '%s' "$SCREEN" | _screen_py column "$@"
}

# cursor_text N: the N columns of text where the hardware cursor stands (the
# selection: screen readers follow the cursor), as "X,Y:TEXT".
cursor_text()
{
	local xy
	xy=$(pane_fmt '#{cursor_x} #{cursor_y}')
	_capture
	printf '%s' "$SCREEN" | _screen_py at "${xy% *}" "${xy#* }" "$1" | sed -e "s/^/${xy/ /,}:/"
}

# expect_cursor_on TEXT DESC: the cursor stands on TEXT (its first columns).
expect_cursor_on()
{
	local end got=
	_deadline
	end=$END_MS
	while :; do
		got=$(cursor_text "$(printf '%s' "$1" | python3 -c 'import sys, unicodedata
print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in sys.stdin.read()))')")
		[ "${got#*:}" = "$1" ] && break
		_before "$end" || break
		sleep 0.05
	done
	if [ "${got#*:}" = "$1" ]; then
		pass "$2"
	else
		fail "$2 (the cursor is at ${got%%:*} on '${got#*:}')"
	fi
}

# The colour codes (SGR 30-48, 90-107) and the attributes (1 2 4 7) on screen.
screen_colors()
{
	tm capture-pane -p -e -t t | _screen_py colors
}

screen_attrs()
{
	tm capture-pane -p -e -t t | _screen_py attrs
}

# expect_tab NAME: the tab bar marks NAME as the current pane.
expect_tab()
{
	local end got=
	_deadline
	end=$END_MS
	while :; do
		got=$(active_tab)
		[ "$got" = "$1" ] && break
		_before "$end" || break
		sleep 0.05
	done
	if [ "$got" = "$1" ]; then
		pass "the tab bar marks $1 as the current pane"
	else
		fail "the tab bar should mark $1 as the current pane (it marks '$got')"
	fi
}

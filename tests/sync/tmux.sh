# The interface in tmux for the sync tests, to be sourced after SOCK is set
# (the tmux socket; the session is "t"): counters, screen polling and checks.
# shellcheck shell=bash

PASSED=0 FAILED=0
ok() { echo "ok - $1"; PASSED=$((PASSED + 1)); }
not_ok() { echo "not ok - $1"; FAILED=$((FAILED + 1)); }
screen() { tmux -S "$SOCK" capture-pane -p -t t 2>/dev/null; }
# wait_for TEXT SECONDS: polls the screen until TEXT shows or time is up.
wait_for() {
	local deadline=$((SECONDS + ${2:-10}))
	while [ $SECONDS -le $deadline ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
check_screen() { if wait_for "$1" "${3:-10}"; then ok "$2"; else not_ok "$2 (no '$1' on screen)"; screen | sed 's/^/#   /'; fi; }

# tests/sync/proxy.sh: the fault-injecting proxy (faultproxy.py) for bash tests.  -*- sh -*-
#
#   . "$srcdir/tests/sync/proxy.sh"
#   trap 'proxy_stop; endpoint_stop' EXIT
#   proxy_start "$ENDPOINT_URL" pass      # exports PROXY_URL, PROXY_CONTROL, PROXY_PID, PROXY_LOG
#   proxy_mode 503 _changes 2             # next two _changes requests get 503 + Retry-After
#   proxy_mode opaque-seq                 # seqs become "N-g1AAAAopaque"
#   proxy_mode pass
#   proxy_stop
#
# A mode is "MODE [REGEX [N]]" (see faultproxy.py's header for the list).
# PROXY_URL stands for UPSTREAM: PROXY_URL/db reaches UPSTREAM/db.
# PROXY_LOG holds one line per request (method, path, mode applied, outcome);
# it never holds headers. Set PROXY_KEEP=1 to keep its directory after
# proxy_stop. One proxy at a time per shell.
# For a real "connection refused", use a free port with nothing listening:
# http://127.0.0.1:$(endpoint_free_port) (endpoint.sh), or the proxy's URL
# after proxy_stop.

PROXY_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The real interpreter behind `python3` (a pyenv shim costs a second or more
# per start on a loaded machine); override with SYNC_PYTHON.
if [ -z "${SYNC_PYTHON:-}" ] && command -v python3 >/dev/null 2>&1; then
	SYNC_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || SYNC_PYTHON=
	export SYNC_PYTHON
fi

# proxy_start UPSTREAM [MODE...]
proxy_start() {
	local upstream=$1 spec pid dir port deadline i
	shift
	spec=${*:-pass}
	if [ -z "${SYNC_PYTHON:-}" ]; then
		echo "SKIP: python3 is needed by tests/sync/faultproxy.py" >&2
		exit 77
	fi
	if ! "$SYNC_PYTHON" "$PROXY_HERE/faultproxy.py" --check "$spec"; then
		echo "proxy_start: bad mode: $spec" >&2
		return 1
	fi
	dir=$(mktemp -d "${TMPDIR:-/tmp}/noron-proxy.XXXXXX") || return 1
	printf '%s\n' "$spec" >"$dir/mode"
	: >"$dir/stdout"
	"$SYNC_PYTHON" "$PROXY_HERE/faultproxy.py" --control "$dir/mode" --mode "$spec" "$upstream" \
		</dev/null >"$dir/stdout" 2>"$dir/log" &
	pid=$!
	PROXY_PID=$pid PROXY_DIR=$dir PROXY_CONTROL=$dir/mode PROXY_LOG=$dir/log
	export PROXY_PID PROXY_DIR PROXY_CONTROL PROXY_LOG
	port=
	deadline=$((SECONDS + 10))
	while [ "$SECONDS" -lt "$deadline" ]; do
		i='' port=''
		read -r i port <"$dir/stdout" || true
		if [ "$i" = PORT ] && [ -n "$port" ]; then
			break
		fi
		port=
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		echo "proxy_start: the proxy did not start; its log:" >&2
		cat "$dir/log" >&2
		proxy_stop
		return 1
	fi
	PROXY_PORT=$port PROXY_URL="http://127.0.0.1:$port"
	export PROXY_PORT PROXY_URL
}

# proxy_mode MODE...: switch the running proxy's mode (takes effect at its
# next request; writing it again restarts an N count).
proxy_mode() {
	local spec=${*:-pass}
	if [ -z "${PROXY_CONTROL:-}" ]; then
		echo "proxy_mode: no proxy; call proxy_start first" >&2
		return 1
	fi
	if ! "$SYNC_PYTHON" "$PROXY_HERE/faultproxy.py" --check "$spec"; then
		echo "proxy_mode: bad mode: $spec" >&2
		return 1
	fi
	printf '%s\n' "$spec" >"$PROXY_CONTROL.new" && mv -f "$PROXY_CONTROL.new" "$PROXY_CONTROL"
}

# proxy_stop: stop the proxy started by proxy_start (by its PID).
proxy_stop() {
	local pid=${PROXY_PID:-} dir=${PROXY_DIR:-} i
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null || true
	fi
	if [ -n "$dir" ] && [ -d "$dir" ] && [ -z "${PROXY_KEEP:-}" ]; then
		rm -rf "$dir"
	fi
	unset PROXY_PID PROXY_DIR PROXY_CONTROL PROXY_LOG PROXY_PORT PROXY_URL
	return 0
}

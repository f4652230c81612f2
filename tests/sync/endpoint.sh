# tests/sync/endpoint.sh: a PouchDB Server for the sync tests.  -*- sh -*-
# Source it from a bash test:
#
#   . "$srcdir/tests/sync/endpoint.sh"     # or any path to this file
#   trap 'endpoint_stop' EXIT
#   endpoint_start                          # exits 77 if not installed
#   db=$(endpoint_db noron)                 # -> $ENDPOINT_URL/noron
#   endpoint_user alice s3cret noron        # optional: a real user (see below)
#   ... ENDPOINT_URL=http://127.0.0.1:PORT
#   endpoint_stop
#
# The server is `pouchdb-server --in-memory -o 127.0.0.1 -p PORT`, from the
# npm packages pinned by package-lock.json beside this file (run `npm ci` here,
# or endpoint_install). It runs in a private temporary directory, because it
# writes log.txt and config.json into its current directory.
#
# Variables set by endpoint_start: ENDPOINT_URL, ENDPOINT_PORT, ENDPOINT_PID,
# ENDPOINT_DIR (its temporary directory), ENDPOINT_LOG (its stdout/stderr).
# Set ENDPOINT_KEEP=1 to keep ENDPOINT_DIR after endpoint_stop, and
# ENDPOINT_NODE_MODULES=/path/to/node_modules to use an install elsewhere
# (e.g. from a build tree or a distcheck that has no node_modules of its own).
#
# PouchDB Server's default "admin party" accepts anonymous requests, but
# answers 401 to Basic credentials of a user it does not know: create the
# user with endpoint_user before sending a password.

ENDPOINT_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The real interpreter behind `python3` (a pyenv shim costs a second or more
# per start on a loaded machine); override with SYNC_PYTHON.
if [ -z "${SYNC_PYTHON:-}" ] && command -v python3 >/dev/null 2>&1; then
	SYNC_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || SYNC_PYTHON=
	export SYNC_PYTHON
fi

endpoint__modules() {
	printf '%s\n' "${ENDPOINT_NODE_MODULES:-$ENDPOINT_HERE/node_modules}"
}

endpoint__bin() {
	printf '%s\n' "$(endpoint__modules)/pouchdb-server/bin/pouchdb-server"
}

# endpoint_free_port: a port on 127.0.0.1 that was free a moment ago.
endpoint_free_port() {
	"$SYNC_PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# endpoint_install: `npm ci` in tests/sync unless PouchDB Server is there.
endpoint_install() {
	if [ -f "$(endpoint__bin)" ]; then
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
		echo "endpoint_install: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
		return 1
	fi
	(cd "$ENDPOINT_HERE" && npm ci --no-audit --no-fund)
}

# endpoint__kill_tree PID: TERM the children of PID and PID itself, wait up to
# 5 s, then KILL what is left. Only that PID and its direct children.
endpoint__kill_tree() {
	local pid=$1 kids
	kids=$(pgrep -P "$pid" 2>/dev/null || true)
	# shellcheck disable=SC2086 # $kids is a list of PIDs
	kill -TERM $kids "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		# shellcheck disable=SC2086
		kill -KILL $kids "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	for _ in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# endpoint_start: start the server on a free loopback port; exports
# ENDPOINT_URL. Exits the test with 77 if node or the server is missing, and
# with 1 if the server does not answer within 20 s.
endpoint_start() {
	local bin attempt port dir pid deadline
	bin=$(endpoint__bin)
	if ! command -v node >/dev/null 2>&1; then
		echo "SKIP: node is not installed; install Node.js and npm, then run 'npm ci' in tests/sync" >&2
		exit 77
	fi
	if [ ! -f "$bin" ]; then
		echo "SKIP: PouchDB Server is not installed; run 'npm ci --no-audit --no-fund' in tests/sync ($ENDPOINT_HERE)" >&2
		exit 77
	fi
	if [ -z "${SYNC_PYTHON:-}" ] || ! command -v curl >/dev/null 2>&1; then
		echo "SKIP: python3 and curl are needed by tests/sync/endpoint.sh" >&2
		exit 77
	fi
	if [ -n "${ENDPOINT_PID:-}" ] && kill -0 "$ENDPOINT_PID" 2>/dev/null; then
		echo "endpoint_start: already running (pid $ENDPOINT_PID, $ENDPOINT_URL)" >&2
		return 0
	fi
	for attempt in 1 2 3; do
		port=$(endpoint_free_port) || { echo "endpoint_start: no free port" >&2; exit 1; }
		dir=$(mktemp -d "${TMPDIR:-/tmp}/noron-endpoint.XXXXXX") || exit 1
		(cd "$dir" && exec node "$bin" --in-memory --no-color -o 127.0.0.1 -p "$port" \
			-d "$dir" -c "$dir/config.json" </dev/null >"$dir/server.log" 2>&1) &
		pid=$!
		echo "$pid" >"$dir/pid"
		ENDPOINT_PID=$pid ENDPOINT_PORT=$port ENDPOINT_DIR=$dir
		ENDPOINT_URL="http://127.0.0.1:$port" ENDPOINT_LOG="$dir/server.log"
		export ENDPOINT_PID ENDPOINT_PORT ENDPOINT_DIR ENDPOINT_URL ENDPOINT_LOG
		deadline=$((SECONDS + 20))
		while [ "$SECONDS" -lt "$deadline" ]; do
			if ! kill -0 "$pid" 2>/dev/null; then
				break
			fi
			if curl -s --noproxy '*' --max-time 2 -o /dev/null "$ENDPOINT_URL/"; then
				return 0
			fi
			sleep 0.1
		done
		echo "endpoint_start: PouchDB Server did not answer on $ENDPOINT_URL (attempt $attempt); its log:" >&2
		tail -n 20 "$dir/server.log" >&2
		endpoint_stop
	done
	echo "endpoint_start: giving up" >&2
	exit 1
}

# endpoint_db NAME: create database NAME (PUT); prints its URL.
endpoint_db() {
	local name=$1 code
	if [ -z "${ENDPOINT_URL:-}" ]; then
		echo "endpoint_db: no endpoint; call endpoint_start first" >&2
		return 1
	fi
	code=$(curl -s --noproxy '*' --max-time 10 -o "$ENDPOINT_DIR/last_put" -w '%{http_code}' \
		-X PUT "$ENDPOINT_URL/$name") || code=000
	if [ "$code" != 201 ]; then
		echo "endpoint_db: PUT /$name answered $code: $(cat "$ENDPOINT_DIR/last_put" 2>/dev/null)" >&2
		return 1
	fi
	printf '%s\n' "$ENDPOINT_URL/$name"
}

# endpoint_user NAME PASSWORD [ROLE...]: create a user in _users, so that
# Basic authentication as NAME:PASSWORD works (and a wrong password gets 401).
endpoint_user() {
	local name=$1 password=$2 code
	shift 2
	code=$("$SYNC_PYTHON" -c 'import json, sys
print(json.dumps({"_id": "org.couchdb.user:" + sys.argv[1], "name": sys.argv[1],
                  "password": sys.argv[2], "roles": sys.argv[3:], "type": "user"}))' \
		"$name" "$password" "$@" |
		curl -s --noproxy '*' --max-time 10 -o "$ENDPOINT_DIR/last_put" -w '%{http_code}' \
			-X PUT -H 'Content-Type: application/json' --data-binary @- \
			"$ENDPOINT_URL/_users/org.couchdb.user:$name") || code=000
	if [ "$code" != 201 ]; then
		echo "endpoint_user: creating user $name answered $code" >&2
		return 1
	fi
}

# endpoint_stop: stop the server started by endpoint_start (by its PID).
endpoint_stop() {
	local pid=${ENDPOINT_PID:-} dir=${ENDPOINT_DIR:-}
	if [ -n "$pid" ]; then
		endpoint__kill_tree "$pid" ||
			echo "endpoint_stop: pid $pid is still there" >&2
	fi
	if [ -n "$dir" ] && [ -d "$dir" ] && [ -z "${ENDPOINT_KEEP:-}" ]; then
		rm -rf "$dir"
	fi
	unset ENDPOINT_PID ENDPOINT_PORT ENDPOINT_DIR ENDPOINT_URL ENDPOINT_LOG
	return 0
}

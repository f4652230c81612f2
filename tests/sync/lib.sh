# shellcheck shell=bash
# tests/sync/lib.sh: shared by the sync tests (tests/sync/test_*.sh), which
# source it after endpoint.sh and proxy.sh are sourced here.
#
# Each test gets a private temporary directory $T holding its caches, their
# configs, HOME and the XDG directories, so nothing of the real user is read or
# touched; the EXIT trap stops what the test started (background noron runs,
# the fault proxy, the PouchDB Server) by PID and removes $T. The harness
# (make check) sets NORON, the absolute path of the binary, and TESTS_DIR, the
# absolute path of tests/. Output is TAP-like: "ok - ..." / "not ok - ...",
# then "N passed, N failed"; exit 0 all passed, 1 something failed, 77 skipped
# (node/PouchDB Server, python3 or curl missing).
#
#   sync_init                 the temp dir, the environment, the trap
#   sync_endpoint [DB]        starts PouchDB Server, creates DB (default noron): $DB is its URL
#   cache_new NAME [URL]      a cache $T/NAME.db with its own config $T/NAME.cfg (url, user,
#                             password, institution); NAME's endpoint user exists on the server
#   cache_url NAME URL        points NAME's config at another URL
#   cfg_write NAME LINE...    writes NAME's config from these lines (mode 0600)
#   nr NAME ARGS...           runs noron on NAME's cache; $RC, $OUT, $ERR, $LAST; a crash
#                             (signal, sanitizer report) or a hang (timeout) is a failure
#   nr_bg NAME ARGS...        the same in the background ($BG_PID); nr_wait collects it
#   ok DESC / not_ok DESC     a passed / failed check; check DESC CMD... runs CMD
#   expect_rc N [DESC]        the last run exited with N
#   expect_one_line_error TEXT...  exit 1, one line on stderr naming each TEXT, "noron: " first
#   rec NAME ID               NAME's record ID as noron show --json prints it
#   statusv NAME KEY          a member of NAME's status --json
#   fieldv NAME ID FIELD      a field of NAME's record ID as compact JSON, read with sqlite3
#                             (DELETED for a tombstone, MISSING when there is none)
#   ep_fieldv ID FIELD        the same on the endpoint; ep_doc ID: the endpoint's document
#   fieldis DESC JSON ID FIELD NAME|@...   check: each cache NAME (@: the endpoint) has
#                             FIELD = JSON ({"set": [...]}: a list in any order)
#   unsynced_is NAME N        check: status counts N unsynced edits
#   same_caches A B           check: A and B hold the same records (ids and fields)
#   same_as_endpoint NAME     check: NAME's records equal the endpoint's documents
#   no_duplicates NAME        check: no record twice in NAME (by id, or by type and name)
#   integrity_ok NAME         check: PRAGMA integrity_check is ok
#   converged DESC NAME...    check: the caches and the endpoint hold the same records, each
#                             once, and nothing is unsynced or in conflict
#   sc SUBCOMMAND ARGS...     the python helper (see the heredoc below), e.g. sc copy-db SRC DST
#                             [LOCALID...]: a backup copy of database SRC into DST
#   finish                    the secrets check, then "N passed, N failed" and the exit code

set -u

SYNC_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${TESTS_DIR:=$(cd "$SYNC_HERE/.." && pwd)}"
if [ -z "${NORON:-}" ]; then
	for _c in "$SYNC_HERE/../../noron" /tmp/bsync/noron; do
		if [ -x "$_c" ]; then NORON=$_c; break; fi
	done
fi
if [ -z "${NORON:-}" ] || [ ! -x "$NORON" ]; then
	echo "Bail out! NORON must be the path of the noron binary (got '${NORON:-}')" >&2
	exit 99
fi
SEED_JSON=${SEED_JSON:-$TESTS_DIR/../data/seed.json}

. "$SYNC_HERE/endpoint.sh"
. "$SYNC_HERE/proxy.sh"

PASSED=0
FAILED=0
RC=
LAST=
BG_PID=
BG_NAME=
SECRETS=()
T=

# How long one noron command may run before it counts as hung.
SYNC_CMD_TIMEOUT=${SYNC_CMD_TIMEOUT:-120}

skip() {
	echo "SKIP: $*"
	exit 77
}

sync__cleanup() {
	if [ -n "${BG_PID:-}" ]; then
		kill -KILL "$BG_PID" 2>/dev/null
		wait "$BG_PID" 2>/dev/null
	fi
	proxy_stop
	endpoint_stop
	[ -n "$T" ] && [ -z "${SYNC_KEEP:-}" ] && rm -rf "$T"
	[ -n "$T" ] && [ -n "${SYNC_KEEP:-}" ] && echo "# kept $T"
}

sync_init() {
	[ -n "${SYNC_PYTHON:-}" ] || skip "python3 is missing"
	"$SYNC_PYTHON" -c 'import sqlite3, json, urllib.request' 2>/dev/null ||
		skip "python3 lacks sqlite3"
	command -v curl >/dev/null 2>&1 || skip "curl is missing"
	T=$(mktemp -d "${TMPDIR:-/tmp}/noron-sync.XXXXXX") || exit 99
	trap sync__cleanup EXIT
	trap 'exit 1' INT TERM
	mkdir -p "$T/home/.config" "$T/home/.local/share" || exit 99
	export HOME="$T/home"
	export XDG_DATA_HOME="$T/home/.local/share"
	export XDG_CONFIG_HOME="$T/home/.config"
	export USER=tester LC_ALL=C.UTF-8 TZ=UTC
	unset NORON_DB NORON_CONFIG NORON_BUSY_TIMEOUT EDITOR VISUAL LANG LANGUAGE
	# Loopback only: no proxy from the environment in the way.
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	export no_proxy='127.0.0.1,localhost' NO_PROXY='127.0.0.1,localhost'
	OUT=$T/out ERR=$T/err
	: >"$OUT"
	: >"$ERR"
	: >"$T/transcript"
	sync__write_helper
	cd "$T" || exit 99
}

# ------------------------------------------------------------------ output

ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $*${TEST_TIMES:+ [$SECONDS s]}"
}

_indent() {
	local line n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[ "$n" -gt 30 ] && { echo "#   ..."; break; }
		echo "#   $line"
	done
}

show_last() {
	echo "#   last: $LAST -> exit $RC"
	if [ -s "$OUT" ]; then
		echo "#   stdout:"
		head -c 4000 "$OUT" | _indent
	fi
	if [ -s "$ERR" ]; then
		echo "#   stderr:"
		head -c 4000 "$ERR" | _indent
	fi
}

# not_ok DESC [DETAIL...]: a failed check; DETAIL lines follow, else the last
# run's output (with details, only the last command line).
not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $1"
	shift
	if [ $# -gt 0 ] && [ -n "$*" ]; then
		printf '%s\n' "$@" | _indent
		echo "#   (last run: $LAST -> exit $RC)"
	else
		show_last
	fi
}

# check DESC CMD...: CMD succeeds (run in a subshell, so that an eval'd exit
# ends the check only). Its stdout and stderr are shown on failure.
check() {
	local desc=$1
	shift
	if ("$@") >"$T/why" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc" "$(head -c 3000 "$T/why")"
	fi
}

expect_rc() {
	local want=$1 desc=${2:-$LAST}
	if [ "$RC" = "$want" ]; then
		ok "$desc: exit $want"
	else
		not_ok "$desc: exit $want expected, got $RC"
	fi
}

# expect_one_line_error TEXT...: exit 1, exactly one line on stderr, starting
# "noron: " and holding every TEXT (fixed strings); nothing on stdout.
expect_one_line_error() {
	local desc=$LAST lines t missing=
	lines=$(wc -l <"$ERR")
	for t in "$@"; do
		grep -qF -- "$t" "$ERR" || missing="$missing '$t'"
	done
	if [ "$RC" = 1 ] && [ "$lines" = 1 ] && [ -z "$missing" ] && grep -q '^noron: ' "$ERR" &&
		[ ! -s "$OUT" ]; then
		ok "$desc: one clear line: $(head -c 300 "$ERR")"
	else
		not_ok "$desc: exit 1 and one line on stderr naming$(printf " '%s'" "$@") (exit $RC, $lines lines, missing:${missing:- none})"
	fi
}

# ------------------------------------------------------------------ running noron

# crash_check: a signal, a sanitizer report or a timeout in the last run is a failure.
crash_check() {
	local why=
	if [ "$RC" = 124 ]; then
		why="hung: still running after ${SYNC_CMD_TIMEOUT} s"
	elif [ "$RC" -ge 128 ]; then
		why="killed by signal $((RC - 128))"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|MemorySanitizer|runtime error:|double free|stack smashing|malloc\(\)' "$ERR" 2>/dev/null; then
		why="${why:+$why; }a sanitizer or libc report on stderr"
	fi
	if [ -n "$why" ]; then
		not_ok "$LAST: no crash and no hang ($why)"
		return 1
	fi
	return 0
}

# nr NAME ARGS...: noron on cache NAME with its config.
nr() {
	local name=$1
	shift
	LAST="noron($name) $*"
	LAST=${LAST//$'\n'/\\n}
	NORON_CONFIG="$T/$name.cfg" timeout -k 5 "$SYNC_CMD_TIMEOUT" \
		"$NORON" --db "$T/$name.db" "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	{ cat "$OUT" "$ERR"; } >>"$T/transcript" 2>/dev/null
	crash_check
}

# nr_bg NAME ARGS...: the same in the background; output in $T/bg.out, $T/bg.err.
nr_bg() {
	local name=$1
	shift
	BG_NAME="noron($name) $*"
	NORON_CONFIG="$T/$name.cfg" timeout -k 5 "$SYNC_CMD_TIMEOUT" \
		"$NORON" --db "$T/$name.db" "$@" >"$T/bg.out" 2>"$T/bg.err" </dev/null &
	BG_PID=$!
}

# nr_wait: waits for the background run; its results become the last run's.
nr_wait() {
	wait "$BG_PID"
	RC=$?
	BG_PID=
	LAST=$BG_NAME
	cp "$T/bg.out" "$OUT"
	cp "$T/bg.err" "$ERR"
	{ cat "$OUT" "$ERR"; } >>"$T/transcript" 2>/dev/null
	crash_check
}

# ------------------------------------------------------------------ endpoint, caches

# sync_endpoint [DBNAME]: the server and one database; DB is its URL.
sync_endpoint() {
	endpoint_start
	DBNAME=${1:-noron}
	DB=$(endpoint_db "$DBNAME") || { echo "Bail out! cannot create the database" >&2; exit 99; }
	export DB DBNAME
}

# cfg_write NAME LINE...: NAME's config file, mode 0600.
cfg_write() {
	local name=$1
	shift
	(umask 077 && printf '%s\n' "$@" >"$T/$name.cfg")
	chmod 600 "$T/$name.cfg"
}

# cache_new NAME [URL]: a config for cache NAME (user NAME with a password
# that the endpoint knows, an institution) pointing at URL (default $DB).
# The cache itself is created (and seeded) by the first command.
CACHE_INSTITUTIONS=(kb-se nb-no kb-dk nl-fi lbs-is)
CACHE_COUNT=0
cache_new() {
	local name=$1 url=${2:-$DB} pw inst
	pw="pw-$name-$RANDOM$RANDOM"
	inst=${CACHE_INSTITUTIONS[$((CACHE_COUNT % 5))]}
	CACHE_COUNT=$((CACHE_COUNT + 1))
	SECRETS+=("$pw")
	endpoint_user "$name" "$pw" || { echo "Bail out! cannot create user $name" >&2; exit 99; }
	eval "PW_$name=\$pw"
	cfg_write "$name" "url = $url" "user = $name" "password = $pw" "institution = $inst"
}

# cache_url NAME URL: NAME's config points at URL (the other lines kept).
cache_url() {
	local name=$1 url=$2
	grep -v '^url *=' "$T/$name.cfg" >"$T/$name.cfg.new"
	printf 'url = %s\n' "$url" >>"$T/$name.cfg.new"
	mv -f "$T/$name.cfg.new" "$T/$name.cfg"
	chmod 600 "$T/$name.cfg"
}

# ------------------------------------------------------------------ reading state

sc() { "$SYNC_PYTHON" -S "$T/sc.py" "$@"; }

# rec NAME ID: the record as noron show --json prints it ({} when missing).
rec() {
	NORON_CONFIG="$T/$1.cfg" "$NORON" --db "$T/$1.db" show "$2" --json 2>/dev/null </dev/null ||
		echo '{}'
}
# statusv NAME KEY: a member of NAME's status --json (read without python).
statusv() {
	NORON_CONFIG="$T/$1.cfg" "$NORON" --db "$T/$1.db" status --json 2>/dev/null </dev/null |
		sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p"
}
# fieldv NAME ID FIELD: the field in NAME's cache as compact JSON ("DELETED",
# "MISSING"); ep_fieldv ID FIELD: the same on the endpoint.
fieldv() { sc field "$T/$1.db" "$2" "$3"; }
ep_fieldv() { sc field "$DB" "$1" "$2"; }
ep_doc() { curl -s --noproxy '*' --max-time 30 "$DB/$(sc urlquote "$1")"; }
# fieldis DESC JSON ID FIELD NAME|@...: each cache NAME (or @ for the endpoint)
# has FIELD = JSON in record ID.
fieldis() {
	local desc=$1 want=$2 id=$3 field=$4 n srcs=()
	shift 4
	for n in "$@"; do
		if [ "$n" = @ ]; then srcs+=("$DB"); else srcs+=("$T/$n.db"); fi
	done
	check "$desc" sc all-have "$want" "$id" "$field" "${srcs[@]}"
}
export_of() {	# export_of NAME FILE: NAME's export (records only matter)
	NORON_CONFIG="$T/$1.cfg" "$NORON" --db "$T/$1.db" export -o "$2" </dev/null 2>"$T/export.err" ||
		echo '{"records": "export failed"}' >"$2"
}

# Checks that go through check, so their output explains a failure. They
# read the caches' live records with sqlite3 (records of a type noron does not
# know included, which export leaves out).
same_caches() {
	check "${3:-caches $1 and $2 hold the same records}" sc same-exports "$T/$1.db" "$T/$2.db"
}
same_as_endpoint() {
	check "${2:-cache $1 equals the endpoint (ids and fields)}" \
		sc same-endpoint "$T/$1.db" "${3:-$DB}" "$SEED_JSON"
}
no_duplicates() {
	check "${2:-cache $1: no record twice}" sc no-dups "$T/$1.db"
}
integrity_ok() {
	check "${2:-cache $1: PRAGMA integrity_check is ok}" sc integrity "$T/$1.db"
}
unsynced_is() {	# unsynced_is NAME N [DESC]
	local got
	got=$(statusv "$1" unsynced)
	if [ "$got" = "$2" ]; then
		ok "${3:-cache $1: $2 unsynced}"
	else
		not_ok "${3:-cache $1: $2 unsynced} (status says '$got')"
	fi
}
# converged DESC NAME...: the caches hold the same records as the endpoint and
# one another (no id twice), and nothing unsynced or in conflict.
converged() {
	local desc=$1 n exps=() st bad=
	shift
	for n in "$@"; do
		exps+=("$T/$n.db")
		st=$(NORON_CONFIG="$T/$n.cfg" "$NORON" --db "$T/$n.db" status --json 2>&1 </dev/null |
			tr -d ' \t\n' | sed -n 's/.*"unsynced":\([0-9]*\),"conflicts":\([0-9]*\),.*/\1\/\2/p')
		[ "$st" = 0/0 ] || bad="$bad $n has $st unsynced/conflicts;"
	done
	check "$desc: $* and the endpoint hold the same records, each id once" \
		sc converged "$DB" "$SEED_JSON" "${exps[@]}"
	if [ -z "$bad" ]; then
		ok "$desc: nothing unsynced, no conflict left in $*"
	else
		not_ok "$desc: nothing unsynced, no conflict left in $* ($bad)"
	fi
}

# ------------------------------------------------------------------ finish

finish() {
	local s hit=
	if [ ${#SECRETS[@]} -gt 0 ]; then
		for s in "${SECRETS[@]}"; do
			grep -qF -- "$s" "$T/transcript" && hit="$hit $s"
		done
		if [ -z "$hit" ]; then
			ok "no password appears in any output of noron (${#SECRETS[@]} secrets, $(wc -c <"$T/transcript") bytes)"
		else
			FAILED=$((FAILED + 1))
			echo "not ok - a password appears in noron's output:$hit"
			grep -nF -f <(printf '%s\n' "${SECRETS[@]}") "$T/transcript" | head -5 | _indent
		fi
	fi
	echo "$PASSED passed, $FAILED failed${TEST_TIMES:+ in $SECONDS s}"
	[ "$FAILED" = 0 ] && exit 0
	exit 1
}

# ------------------------------------------------------------------ python helper

sync__write_helper() {
	cat >"$T/sc.py" <<'PYEOF'
import json, os, random, sqlite3, sys, urllib.error, urllib.parse, urllib.request

def load_export(path):
    """the records of an export file, or the live records of a cache (*.db)"""
    if path.endswith(".db"):
        c = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=30)
        rows = c.execute("select id, body from docs where deleted = 0 order by n").fetchall()
        c.close()
        out = []
        for i, body in rows:
            r = json.loads(body)
            r["_id"] = i
            out.append(r)
        return out
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    recs = d["records"] if isinstance(d, dict) else d
    return recs

def by_id(recs):
    out = {}
    for r in recs:
        out.setdefault(r["_id"], []).append(r)
    return out

def fields(r):
    return {k: v for k, v in r.items() if not k.startswith("_") or k == "_id"}

def diff_maps(a, b, na, nb, limit=10):
    msgs = []
    for i in sorted(set(a) | set(b)):
        if i not in a:
            msgs.append("%s only in %s" % (i, nb))
        elif i not in b:
            msgs.append("%s only in %s" % (i, na))
        elif fields(a[i]) != fields(b[i]):
            fa, fb = fields(a[i]), fields(b[i])
            ks = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))
            msgs.append("%s differs in %s: %s=%s %s=%s" % (
                i, ",".join(ks), na, json.dumps({k: fa.get(k) for k in ks})[:300],
                nb, json.dumps({k: fb.get(k) for k in ks})[:300]))
    if msgs:
        print("%d differences:" % len(msgs))
        for m in msgs[:limit]:
            print("  " + m)
    return not msgs

def endpoint_docs(url):
    with urllib.request.urlopen(url.rstrip("/") + "/_all_docs?include_docs=true", timeout=60) as r:
        d = json.load(r)
    return {row["id"]: row["doc"] for row in d["rows"]
            if not row["id"].startswith("_design/") and "doc" in row}

def dups(recs):
    seen, two = set(), []
    for r in recs:
        if r["_id"] in seen:
            two.append(r["_id"])
        seen.add(r["_id"])
    return two

def cmd_same_exports(a, b):
    ra, rb = load_export(a), load_export(b)
    bad = dups(ra) + dups(rb)
    if bad:
        print("ids twice:", bad[:10])
    ok = diff_maps({r["_id"]: r for r in ra}, {r["_id"]: r for r in rb}, "A", "B")
    if ok and not bad:
        print("%d records alike" % len(ra))
    return ok and not bad

def cmd_same_endpoint(exp, url, seedfile):
    recs = load_export(exp)
    bad = dups(recs)
    if bad:
        print("ids twice in the cache:", bad[:10])
    cache = {r["_id"]: r for r in recs}
    ep = endpoint_docs(url)
    seed = {r["_id"]: r for r in load_export(seedfile)}
    # The charter's seed records are in every cache from the start; one that
    # nobody changed need not be on the endpoint.
    for i in list(cache):
        if i not in ep and i in seed and fields(cache[i]) == fields(seed[i]):
            del cache[i]
    ok = diff_maps(cache, ep, "cache", "endpoint")
    return ok and not bad

def cmd_no_dups(db):
    """no id twice, and no two live records of a type with the same name,
    title or topic (one record that arrived twice under two ids)"""
    recs = load_export(db)
    bad = dups(recs)
    seen, twice = {}, []
    for r in recs:
        key = (r.get("type"), r.get("name") or r.get("title") or r.get("topic"))
        if key[1] is None:
            continue
        if key in seen:
            twice.append((seen[key], r["_id"]))
        seen[key] = r["_id"]
    if bad or twice:
        print("ids twice:", bad[:10], "the same record under two ids:", twice[:10])
        return False
    print("%d records, each once" % len(recs))
    return True

def cmd_integrity(db):
    """PRAGMA integrity_check is ok; prints it with the live and unsynced records"""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    r = [x[0] for x in c.execute("pragma integrity_check")]
    try:
        live, dirty = c.execute("select count(*), coalesce(sum(dirty), 0) from docs where deleted = 0").fetchone()
        cp = c.execute("select group_concat(last_seq) from sync_state").fetchone()[0]
    except sqlite3.Error as e:
        live, dirty, cp = "?", str(e), None
    print("%s; %s records, %s unsynced, checkpoint %s" % ("; ".join(r[:5]), live, dirty, cp or "none"))
    return r == ["ok"]

def cmd_get(path):
    data = sys.stdin.read()
    try:
        v = json.loads(data)
    except ValueError:
        print("null")
        return True
    for k in path.split("."):
        if k == "":
            continue
        if isinstance(v, dict):
            v = v.get(k)
        elif isinstance(v, list) and k.isdigit() and int(k) < len(v):
            v = v[int(k)]
        else:
            v = None
    print(json.dumps(v, ensure_ascii=False, sort_keys=True))
    return True

def cmd_json_eq(a, b):
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return False

def cmd_urlquote(s):
    print(urllib.parse.quote(s, safe=":"))
    return True

def cmd_sql(db, q):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    for row in c.execute(q):
        print("\t".join("" if x is None else str(x) for x in row))
    return True

def gen_records(n, seed, prefix=""):
    r = random.Random(seed)
    insts = ["institution:kb-dk", "institution:kb-se", "institution:lbs-is",
             "institution:nb-no", "institution:nl-fi"]
    areas = ["area:storage", "area:metadata", "area:web-harvesting", "area:digitization",
             "area:infrastructure", "area:digital-preservation"]
    out, persons = [], []
    for i in range(n):
        hexid = "%032x" % r.getrandbits(128)
        stamp = {"created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-02T03:04:05Z",
                 "updated_by": "gen@kb-se"}
        k = i % 3
        if k == 0 or not persons:
            d = {"_id": "person:" + hexid, "type": "person",
                 "name": "%sPerson %d Ångström" % (prefix, i), "institution": r.choice(insts),
                 "role": "role %d" % r.randrange(1000), "email": "p%d@example.org" % i}
            persons.append(d["_id"])
        elif k == 1:
            d = {"_id": "skill:" + hexid, "type": "skill", "topic": "%sTopic %d" % (prefix, i),
                 "kind": r.choice(["skill", "equipment", "service"]),
                 "person": r.choice(persons), "institution": r.choice(insts),
                 "area": r.choice(areas), "level": r.choice(["basic", "practitioner", "expert"]),
                 "exchange": r.random() < 0.5, "note": "note %d\nsecond line" % i}
        else:
            d = {"_id": "event:" + hexid, "type": "event", "title": "%sEvent %d" % (prefix, i),
                 "kind": r.choice(["meeting", "conference", "workshop", "visit", "deadline"]),
                 "start": "2021-%02d-%02d" % (r.randrange(1, 13), r.randrange(1, 29)),
                 "host": r.choice(insts), "areas": sorted(r.sample(areas, 2)),
                 "description": "d %d" % i}
        d.update(stamp)
        out.append(d)
    return out

def cmd_gen_export(n, seed, prefix, path):
    recs = gen_records(int(n), int(seed), prefix)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"noron": "export", "version": 1, "records": recs}, f, ensure_ascii=False)
    return True

def cmd_post(url, path, batch="500"):
    recs = load_export(path)
    b = int(batch)
    for i in range(0, len(recs), b):
        body = json.dumps({"docs": recs[i:i + b]}).encode()
        req = urllib.request.Request(url.rstrip("/") + "/_bulk_docs", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            res = json.load(r)
        bad = [x for x in res if not x.get("ok")]
        if bad:
            print("bulk_docs refused:", bad[:3])
            return False
    return True

def cmd_ids(path):
    for r in load_export(path):
        print(r["_id"])
    return True

def contained(have, want, where):
    missing = [r["_id"] for r in want if r["_id"] not in have]
    differ = [r["_id"] for r in want if r["_id"] in have and fields(have[r["_id"]]) != fields(r)]
    if missing or differ:
        print("%s: %d missing %s, %d differ %s" % (where, len(missing), missing[:5], len(differ), differ[:5]))
        return False
    print("%s: all %d there" % (where, len(want)))
    return True

def cmd_contains(exp, *paths):
    """every record of the export files `paths` is in `exp` with the same fields"""
    have = {r["_id"]: r for r in load_export(exp)}
    return all([contained(have, load_export(p), p) for p in paths])

def cmd_ep_contains(url, *paths):
    have = endpoint_docs(url)
    return all([contained(have, load_export(p), p) for p in paths])

def read_field(src, id, field):
    if src.startswith("http://") or src.startswith("https://"):
        try:
            with urllib.request.urlopen(src.rstrip("/") + "/" + urllib.parse.quote(id, safe=":"),
                                        timeout=30) as r:
                doc = json.load(r)
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
            # PouchDB answers "missing" for a deleted document too: ask _all_docs
            q = urllib.parse.quote(json.dumps([id]))
            with urllib.request.urlopen(src.rstrip("/") + "/_all_docs?keys=" + q, timeout=30) as r:
                rows = json.load(r)["rows"]
            gone = rows and (rows[0].get("value") or {}).get("deleted") is True
            return "DELETED" if gone else "MISSING"
    else:
        c = sqlite3.connect("file:%s?mode=ro" % src, uri=True, timeout=30)
        row = c.execute("select body, deleted from docs where id = ?", (id,)).fetchone()
        c.close()
        if not row:
            return "MISSING"
        if row[1]:
            return "DELETED"
        doc = json.loads(row[0])
    v = doc
    for k in field.split("."):
        v = v.get(k) if isinstance(v, dict) else None
    return v

def compact(v):
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

def cmd_field(src, id, field):
    v = read_field(src, id, field)
    print(v if v in ("DELETED", "MISSING") else compact(v))
    return True

def cmd_all_have(want, id, field, *srcs):
    w = json.loads(want) if want not in ("DELETED", "MISSING") else want
    ok = True
    for s in srcs:
        v = read_field(s, id, field)
        good = v == w or (isinstance(v, list) and isinstance(w, dict) and "set" in w
                          and sorted(v) == sorted(w["set"]))
        print("%s %s: %s" % ("ok" if good else "WRONG", s.rsplit("/", 1)[-1], compact(v)))
        ok = ok and good
    return ok

def cmd_converged(url, seedfile, *exps):
    ok = True
    for e in exps:
        print("== %s vs the endpoint" % e.rsplit("/", 1)[-1])
        ok = cmd_same_endpoint(e, url, seedfile) and ok
    for e in exps[1:]:
        print("== %s vs %s" % (exps[0].rsplit("/", 1)[-1], e.rsplit("/", 1)[-1]))
        ok = cmd_same_exports(exps[0], e) and ok
    return ok

def cmd_ep_deleted(url, id):
    q = urllib.parse.quote(json.dumps([id]))
    with urllib.request.urlopen(url.rstrip("/") + "/_all_docs?keys=" + q, timeout=30) as r:
        rows = json.load(r)["rows"]
    print(rows)
    return len(rows) == 1 and rows[0].get("value", {}).get("deleted") is True

def cmd_kept(db, id, field, want, dirty="1", url=None):
    """the cache db holds field == want (a string) in id, dirty as given, and
    passes integrity_check; with url, the endpoint holds want too"""
    if url:
        v = read_field(url, id, field)
        print("endpoint: %s=%s" % (field, json.dumps(v, ensure_ascii=False)))
        if v != want:
            return False
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    integ = [x[0] for x in c.execute("pragma integrity_check")]
    row = c.execute("select body, dirty, deleted, rejected from docs where id = ?", (id,)).fetchone()
    if not row:
        print("no record %s; integrity %s" % (id, integ[:3]))
        return False
    v = json.loads(row[0]).get(field)
    print("%s=%s dirty=%s deleted=%s rejected=%s integrity=%s" % (
        field, json.dumps(v, ensure_ascii=False), row[1], row[2], row[3], integ[:3]))
    return v == want and str(row[1]) == dirty and not row[2] and integ == ["ok"]

def http_json(method, url, obj=None):
    data = json.dumps(obj).encode() if obj is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)

def cmd_copy_db(src, dst, *local_ids):
    """copies database src into the existing database dst as a backup tool
    would: every document at its revision (tombstones too, new_edits=false)
    and the _local documents named (which replication leaves out)"""
    src, dst = src.rstrip("/"), dst.rstrip("/")
    ch = http_json("GET", src + "/_changes?style=all_docs&include_docs=true")
    docs = [row["doc"] for row in ch["results"] if "doc" in row]
    res = http_json("POST", dst + "/_bulk_docs", {"docs": docs, "new_edits": False})
    bad = [x for x in res if isinstance(x, dict) and x.get("error")]
    for lid in local_ids:
        doc = http_json("GET", src + "/_local/" + lid)
        doc.pop("_rev", None)
        http_json("PUT", dst + "/_local/" + lid, doc)
    print("copied %d documents (%d refused) and %d _local documents" % (len(docs), len(bad), len(local_ids)))
    return not bad

CMDS = {
    "copy-db": cmd_copy_db,
    "kept": cmd_kept,
    "field": cmd_field, "all-have": cmd_all_have, "converged": cmd_converged,
    "ep-deleted": cmd_ep_deleted,
    "same-exports": cmd_same_exports, "same-endpoint": cmd_same_endpoint,
    "no-dups": cmd_no_dups, "integrity": cmd_integrity, "get": cmd_get,
    "json-eq": cmd_json_eq, "urlquote": cmd_urlquote, "sql": cmd_sql,
    "gen-export": cmd_gen_export, "post": cmd_post, "ids": cmd_ids,
    "contains": cmd_contains, "ep-contains": cmd_ep_contains,
}

if __name__ == "__main__":
    try:
        ok = CMDS[sys.argv[1]](*sys.argv[2:])
    except Exception as e:  # a failed check, said in one line
        print("error: %s: %s" % (e.__class__.__name__, e))
        ok = False
    sys.exit(0 if ok else 1)
PYEOF
}

#!/bin/bash
# tests/bench/fetch_changes.sh: the floor for a pull, a plain paged fetch of
# _changes with curl and nothing else (no parsing, no storing).
#
#   bash tests/bench/fetch_changes.sh URL/DB [LIMIT]      # LIMIT: 1000, as noron asks
#
# Asks URL/DB/_changes?style=all_docs&include_docs=true&limit=LIMIT&since=SINCE,
# one curl per page (since changes every page, so no connection is reused),
# from since=0 on, each time with the page's last_seq, until a page has fewer
# than LIMIT results. last_seq is an integer on PouchDB Server and an opaque
# string on CouchDB 3: it is cut from the page's tail as text by one awk (no
# JSON parser) and sent back URL-encoded, as it came. The same awk counts the
# page's rows (its "changes":[{"rev": keys); the page is then overwritten.
# curl asks for gzip, as noron does (PouchDB Server 4.2.0 answers brotli
# when asked for it, which costs it more time than it saves on loopback;
# CouchDB 3 only does gzip). Proxies
# from the environment are not used (PouchDB's replicator ignores them too).
# Prints one JSON line: {"docs": N, "pages": P, "seconds": S}.
# Needs bash 5 ($EPOCHREALTIME), curl, and an awk with regex RS (mawk, gawk).

set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: bash $0 URL/DB [LIMIT]" >&2
	exit 2
fi
db=${1%/}
limit=${2:-1000}
case $limit in '' | *[!0-9]* | 0) echo "fetch_changes: LIMIT must be a positive integer" >&2; exit 2 ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fetch_changes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
page=$tmp/page

# Prints the number of rows, then last_seq without its quotes. The rows are
# counted as the records between "changes":[{"rev": keys (a regex RS, as in
# mawk and gawk: far cheaper than gsub on a page that is one long line); the
# last record, still in $0 at END, is the tail that holds last_seq.
# shellcheck disable=SC2016 # an awk program, not shell
scan='BEGIN { RS = "\"changes\":\\[\\{\"rev\":" }
END {
	print (NR > 0 ? NR - 1 : 0)
	s = $0
	while ((i = index(s, "\"last_seq\":")) > 0) s = substr(s, i + 11)
	sub(/^[ \t\r\n]*/, "", s)
	if (s ~ /^"/) { s = substr(s, 2); s = substr(s, 1, index(s, "\"") - 1) }
	else if (match(s, /^[0-9]+/)) s = substr(s, 1, RLENGTH)
	else s = ""
	print s
}'

since=0 docs=0 pages=0
t0=${EPOCHREALTIME/[.,]/}
while :; do
	if ! curl -sSf --compressed -H 'Accept-Encoding: gzip' --noproxy '*' -o "$page" -G \
		-d style=all_docs -d include_docs=true -d "limit=$limit" \
		--data-urlencode "since=$since" "$db/_changes"; then
		echo "fetch_changes: GET $db/_changes failed (since=$since)" >&2
		exit 1
	fi
	{ read -r n; read -r since; } < <(LC_ALL=C awk "$scan" "$page")
	if [ -z "$since" ]; then
		echo "fetch_changes: no last_seq in the page after $docs docs: $(head -c 200 "$page")" >&2
		exit 1
	fi
	pages=$((pages + 1)) docs=$((docs + n))
	[ "$n" -lt "$limit" ] && break
done
t1=${EPOCHREALTIME/[.,]/}
us=$((t1 - t0))
printf '{"docs": %d, "pages": %d, "seconds": %d.%03d}\n' \
	"$docs" "$pages" $((us / 1000000)) $((us % 1000000 / 1000))

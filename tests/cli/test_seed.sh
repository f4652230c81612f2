#!/bin/bash
# Guards the seeded cache against the charter it is built from
# (../shared/seed/noron-it-cooperation-charter.txt): the five national
# libraries with their names in their own languages and in English, the seven
# main areas in the charter's order with the subgroups it names, the meetings
# with their dates and hosts, the Swedish delegation's visit to Denmark, the
# charter's open questions as records, and no invented people.

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
need_python

run init
expect_rc 0
run export -o "$T/seed.json"
expect_rc 0

# seed_has DESC PYTHON: the expression holds over r (the records by id) and
# recs (the list).
seed_has()
{
	check "$1" python3 - "$T/seed.json" "$2" <<'EOF'
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
r = {x["_id"]: x for x in recs}
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

seed_has "the five national libraries, in their own languages and in English" \
	'sorted((x["name"], x["name_en"]) for x in recs if x["type"] == "institution") == sorted([
	("Det Kgl. Bibliotek", "Royal Danish Library"),
	("Kansalliskirjasto", "National Library of Finland"),
	("Landsbókasafn Íslands – Háskólabókasafn", "National and University Library of Iceland"),
	("Nasjonalbiblioteket", "National Library of Norway"),
	("Kungliga biblioteket", "National Library of Sweden")])'
seed_has "the seven main areas, in the charter's order" \
	'[x["title"] for x in sorted((x for x in recs if x["type"] == "area" and not x.get("parent")),
	  key=lambda x: x["position"])] == ["Digitization", "Digital deposit", "Digital preservation",
	  "Infrastructure", "Metadata", "Organization", "Web access"]'
for pair in digital-legal-deposit:digital-deposit storage:digital-preservation \
	repository-technology:digital-preservation mobile-platforms:web-access \
	web-harvesting:web-access catalogue-of-skills:organization staff-exchange:organization \
	sharing-work:organization; do
	sub=${pair%%:*} parent=${pair#*:}
	seed_has "the subgroup $sub is under $parent" "r['area:$sub']['parent'] == 'area:$parent'"
done
seed_has "Copenhagen, 20-21 January 2011, hosted by the Royal Danish Library" \
	'(lambda e: (e["kind"], e["start"], e["end"], e["host"]) == ("meeting", "2011-01-20", "2011-01-21", "institution:kb-dk") and "Copenhagen" in e["title"])(r["event:2011-copenhagen"])'
seed_has "Stockholm, 17-18 March 2011, hosted by the National Library of Sweden" \
	'(lambda e: (e["kind"], e["start"], e["end"], e["host"]) == ("meeting", "2011-03-17", "2011-03-18", "institution:kb-se") and "Stockholm" in e["title"])(r["event:2011-stockholm"])'
seed_has "the NORON meeting in Oslo on 3 May 2011" \
	'(lambda e: (e["kind"], e["start"]) == ("meeting", "2011-05-03") and "Oslo" in e["title"])(r["event:2011-noron-oslo"])'
seed_has "the IT managers' meeting at Mo i Rana in spring 2012, yearly" \
	'(lambda e: e["kind"] == "meeting" and e["start"].startswith("2012-0") and "Mo i Rana" in e["title"] and e.get("repeat") == "yearly")(r["event:2012-it-managers-mo-i-rana"])'
seed_has "the Swedish delegation's visit to Denmark on web harvesting, preservation and storage" \
	'(lambda e: e["kind"] == "visit" and e["host"] == "institution:kb-dk" and e["start"].startswith("2011-") and set(e["areas"]) >= {"area:web-harvesting", "area:digital-preservation", "area:storage"})(r["event:2011-visit-se-dk-web-harvesting"])'
seed_has "the open question of Nordic funds is a fund record" '"fund:nordic-funds" in r'
seed_has "the catalogue of skills, staff exchange and sharing work are projects at the idea stage" \
	'all(r["project:" + p]["status"] == "idea" for p in ("catalogue-of-skills", "staff-exchange", "sharing-work"))'
seed_has "sharing work names its legal implications" '"legal" in r["project:sharing-work"].get("description", "")'
seed_has "the Wiki the Stockholm meeting set up is an ongoing project from 18 March 2011" \
	'(r["project:noron-wiki"]["status"], r["project:noron-wiki"]["start"]) == ("ongoing", "2011-03-18")'
seed_has "no invented people: no person records" 'not [x for x in recs if x["type"] == "person"]'
seed_has "every seed id is readable (type:words)" \
	'all(__import__("re").fullmatch(r"[a-z]+:[a-z0-9:-]+", x["_id"]) for x in recs)'

# The same records in every new cache: ids and bodies do not depend on when
# or where the cache was made.
sleep 1
run --db "$T/second.db" export -o "$T/seed2.json"
expect_rc 0
check "a second new cache holds the same seed records" python3 -c '
import json, sys
a, b = (json.load(open(f))["records"] for f in sys.argv[1:3])
sys.exit(0 if a == b else 1)' "$T/seed.json" "$T/seed2.json"
run status --json
expect_json "d['unsynced'] == 0" "the seed is not an unsynced edit"

finish

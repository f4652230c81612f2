// tests/sync/validate_test.js: unit tests of the validate_doc_update that
// noron endpoint setup installs, run in Node's vm as CouchDB and PouchDB run
// it: (newDoc, oldDoc, userCtx, secObj), a refusal thrown as {forbidden}.
// A table of documents and user contexts, allowed or refused with a reason
// naming the field: every rule, every record type. The valid records come
// from a real cache (one of each type), the field kinds from `noron help
// TYPE`, so the cases follow the field tables as the client sees them.
//
//   node validate_test.js DESIGN.json EXPORT.json HELPDIR [SAMPLES.json]
//
// DESIGN.json is `noron endpoint design`, EXPORT.json `noron export` of a
// cache holding a record of each type, HELPDIR holds `noron help TYPE` as
// TYPE.txt. SAMPLES.json (written) holds one refused record per rule, for
// test_validate.sh to offer to noron's own validation. Output: "ok - ...",
// "not ok - ..." lines, then "N passed, N failed"; exit 0 or 1.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [designFile, exportFile, helpDir, samplesFile] = process.argv.slice(2);
const design = JSON.parse(fs.readFileSync(designFile, "utf8"));
const records = JSON.parse(fs.readFileSync(exportFile, "utf8")).records;
let passed = 0, failed = 0;
const samples = {};

function ok(desc) { passed++; console.log("ok - " + desc); }
function notOk(desc, why) { failed++; console.log("not ok - " + desc + "\n#   " + why); }

// ------------------------------------------------------------------ the function
const source = design.validate_doc_update;
if (design._id === "_design/noron" && design.language === "javascript"
    && /^[0-9a-f]{32}$/.test(design.noron_validation || ""))
	ok("the design document: _design/noron, javascript, a 32-digit digest");
else
	notOk("the design document's members", JSON.stringify(Object.keys(design)));
let acorn = null;
try { acorn = require(path.join(__dirname, "node_modules", "acorn")); } catch (e) { acorn = null; }
if (!acorn) {
	console.log("# acorn is not installed beside this test: ES5 syntax not checked");
} else {
	try {
		acorn.parse("(" + source + ")", { ecmaVersion: 5 });
		ok("the function is ES5 (CouchDB's SpiderMonkey and PouchDB run it)");
	} catch (e) {
		notOk("the function is ES5", e.message);
	}
}
const validate = vm.runInNewContext("(" + source + ")", {}, { filename: "validate_doc_update" });

const ADMIN = { name: "root", roles: ["_admin"] };
const NORON_ADMIN = { name: "ada", roles: ["noron", "noron-admin"] };
const member = (code) => ({ name: "user-" + code, roles: ["noron", "inst:" + code] });
const NOBODY = { name: "guest", roles: ["noron"] };

// run(doc, old, ctx): "ok", or the reason of a forbidden, or "THREW ..." for anything else.
function run(doc, old, ctx) {
	try {
		validate(doc, old === undefined ? null : old, ctx === undefined ? ADMIN : ctx, {});
		return "ok";
	} catch (e) {
		if (e && typeof e.forbidden === "string")
			return "forbidden: " + e.forbidden;
		return "THREW " + (e && e.stack ? e.stack.split("\n")[0] : JSON.stringify(e));
	}
}
const clone = (d) => JSON.parse(JSON.stringify(d));

// expect(desc, doc, old, ctx, want): want is "ok" or a list of texts the
// reason must hold; rule names a refused case kept as a sample.
function expect(desc, doc, old, ctx, want, rule) {
	const got = run(doc, old, ctx);
	const good = want === "ok" ? got === "ok"
		: got.startsWith("forbidden: ") && want.every((t) => got.includes(t));
	if (good)
		ok(desc + (want === "ok" ? ": allowed" : ": refused (" + got.slice(11, 120) + ")"));
	else
		notOk(desc, "want " + JSON.stringify(want) + ", got " + got.slice(0, 300));
	if (good && rule && !samples[rule])
		samples[rule] = { want: want, doc: doc };
}

// ------------------------------------------------------------------ the field tables, as help shows them
function readHelp(type) {
	const text = fs.readFileSync(path.join(helpDir, type + ".txt"), "utf8");
	const fields = {};
	for (const line of text.split("\n")) {
		if (!/^  [a-z_]/.test(line))
			continue;
		const name = line.substr(2, 13).trim(), kind = line.substr(16, 18).trim();
		const rest = line.substr(45).split(";")[0].trim();
		fields[name] = {
			kind: kind,
			required: line.substr(35, 9).trim() === "required",
			ref: / id$/.test(rest) ? rest.replace(/ id$/, "") : null,
			choices: kind === "choice" ? rest.split("/") : null,
		};
	}
	return fields;
}
const byType = {};
for (const r of records)
	if (!byType[r.type])
		byType[r.type] = r;
const TYPES = ["institution", "area", "standing", "person", "skill", "project", "event",
	       "proposal", "fund"];
const help = {};
for (const t of TYPES) {
	help[t] = readHelp(t);
	if (!byType[t])
		notOk("the export holds a record of type " + t, "none found");
}

// ------------------------------------------------------------------ every type: valid, and each rule
// A value of the wrong kind for each kind of field, and a good one.
const wrongKind = {
	"text": 42, "long text": 42, "date": 20300101, "date or date-time": 20300101,
	"choice": 3, "yes/no": "yes", "integer": "7", "url": 1, "email": true,
	"reference": 5, "list of references": "area:storage", "votes": ["institution:kb-se"],
};
function goodValue(f) {
	switch (f.kind) {
	case "text": return "Some text\twith a tab";
	case "long text": return "Line one\nline two";
	case "date": return "2024-02-29";
	case "date or date-time": return "2030-06-01T09:30:00Z";
	case "choice": return f.choices[f.choices.length - 1];
	case "yes/no": return false;
	case "integer": return -12;
	case "url": return "https://example.org/x";
	case "email": return "someone@example.org";
	case "reference": return f.ref + ":some-key";
	case "list of references": return [f.ref + ":a", f.ref + ":b"];
	case "votes": return { [f.ref + ":kb-se"]: 1, [f.ref + ":nb-no"]: -1 };
	}
	throw new Error("no good value for kind " + f.kind);
}
const otherType = (t) => (t === "area" ? "fund" : "area");

for (const t of TYPES) {
	const base = byType[t];
	if (!base)
		continue;
	expect(t + ": a valid record", base, null, ADMIN, "ok");
	expect(t + ": a valid record with a field noron does not know yet",
	       Object.assign(clone(base), { x_newer: { any: ["thing"] } }), null, ADMIN, "ok");
	expect(t + ": an update of a valid record", Object.assign(clone(base), { _rev: "2-a" }),
	       Object.assign(clone(base), { _rev: "1-a" }), ADMIN, "ok");
	expect(t + ": unknown type", Object.assign(clone(base), { type: "gadget" }), null, ADMIN,
	       ["unknown record type 'gadget'"], "unknown type");
	const noType = clone(base);
	delete noType.type;
	expect(t + ": no type", noType, null, ADMIN, ["unknown record type '(none)'"]);
	const key = base._id.slice(base._id.indexOf(":") + 1);
	expect(t + ": an id with another type's prefix",
	       Object.assign(clone(base), { _id: otherType(t) + ":" + key }), null, ADMIN,
	       ["the id must be \"" + t + ":\""], "id prefix");
	expect(t + ": an id with a space", Object.assign(clone(base), { _id: t + ":a b" }),
	       null, ADMIN, ["the id must be"]);
	expect(t + ": an id with the prefix only", Object.assign(clone(base), { _id: t + ":" }),
	       null, ADMIN, ["the id must be"]);
	expect(t + ": created_at not a date-time",
	       Object.assign(clone(base), { created_at: "yesterday" }), null, ADMIN,
	       ["'created_at' must be a UTC date-time"]);
	expect(t + ": updated_by not text", Object.assign(clone(base), { updated_by: 3 }), null,
	       ADMIN, ["'updated_by' must be text"]);
	for (const [name, f] of Object.entries(help[t])) {
		if (f.required) {
			const gone = clone(base);
			delete gone[name];
			expect(t + "." + name + ": required, missing", gone, null, ADMIN,
			       ["required field '" + name + "' is missing"], "required");
			expect(t + "." + name + ": required, null",
			       Object.assign(clone(base), { [name]: null }), null, ADMIN,
			       ["required field '" + name + "' is missing"]);
		} else {
			expect(t + "." + name + ": optional, null",
			       Object.assign(clone(base), { [name]: null }), null, ADMIN, "ok");
		}
		expect(t + "." + name + " (" + f.kind + "): a value of the wrong kind",
		       Object.assign(clone(base), { [name]: wrongKind[f.kind] }), null, ADMIN,
		       ["field '" + name + "'"], "wrong kind");
		// A standing's area and institution make its id: not changed alone.
		if (t !== "standing" || (name !== "area" && name !== "institution")) {
			const doc = Object.assign(clone(base), { [name]: goodValue(f) });
			if (name === "start" || name === "end")	// in order
				Object.assign(doc, { start: goodValue(f), end: goodValue(f) });
			expect(t + "." + name + " (" + f.kind + "): a good value", doc, null, ADMIN, "ok");
		}
		if (f.choices) {
			for (const c of f.choices)
				expect(t + "." + name + ": choice " + c,
				       Object.assign(clone(base), { [name]: c }), null, ADMIN, "ok");
			expect(t + "." + name + ": a value not in the table",
			       Object.assign(clone(base), { [name]: "nope" }), null, ADMIN,
			       ["field '" + name + "': 'nope' is not one of " + f.choices.join(", ")],
			       "choice");
		}
		if (f.kind === "reference" && !(t === "standing"))
			expect(t + "." + name + ": a reference to another type",
			       Object.assign(clone(base), { [name]: otherType(f.ref) + ":x" }), null,
			       ADMIN, ["field '" + name + "'", "is not the id of"], "reference");
		if (f.kind === "list of references") {
			expect(t + "." + name + ": a listed id of another type",
			       Object.assign(clone(base), { [name]: [f.ref + ":a", "fund:b"] }), null,
			       ADMIN, ["field '" + name + "': 'fund:b' is not the id of"]);
			expect(t + "." + name + ": an id listed twice",
			       Object.assign(clone(base), { [name]: [f.ref + ":a", f.ref + ":a"] }),
			       null, ADMIN, ["field '" + name + "': '" + f.ref + ":a' is listed twice"]);
		}
	}
}

// ------------------------------------------------------------------ kinds in detail
const ev = byType.event, prj = byType.project, inst = byType.institution;
const dateCases = [
	["2024-02-29", "ok"], ["2023-02-29", "bad"], ["2024-04-31", "bad"], ["2024-13-01", "bad"],
	["2024-00-10", "bad"], ["0000-01-01", "bad"], ["2024-1-01", "bad"], ["2024-01-01x", "bad"],
	["24-01-01", "bad"], ["2000-02-29", "ok"], ["1900-02-29", "bad"],
];
// startsAt(doc, s): a copy starting at s, without an end.
function startsAt(doc, s) {
	const d = Object.assign(clone(doc), { start: s });
	delete d.end;
	return d;
}
for (const [d, want] of dateCases)
	expect("date " + d, startsAt(prj, d), null, ADMIN,
	       want === "ok" ? "ok" : ["field 'start': '" + d + "' is not a valid date"],
	       want === "ok" ? null : "invalid date");
const whenCases = [
	["2030-06-01", "ok"], ["2030-06-01T09:30:00Z", "ok"], ["2030-06-01T23:59:59Z", "ok"],
	["2030-06-01T24:00:00Z", "bad"], ["2030-06-01T09:60:00Z", "bad"],
	["2030-06-01T09:30Z", "bad"], ["2030-06-01T09:30:00+01:00", "bad"],
	["2030-06-01 09:30:00Z", "bad"], ["2030-02-30T09:30:00Z", "bad"],
];
for (const [d, want] of whenCases)
	expect("date-time " + d, startsAt(ev, d), null, ADMIN,
	       want === "ok" ? "ok" : ["field 'start': '" + d + "' is not a valid date"]);
expect("end before start", Object.assign(clone(ev), { start: "2030-06-02", end: "2030-06-01" }),
       null, ADMIN, ["field 'end' (2030-06-01) is before 'start' (2030-06-02)"], "order");
expect("a date-only end on the start's day",
       Object.assign(clone(ev), { start: "2030-06-02T10:00:00Z", end: "2030-06-02" }), null,
       ADMIN, "ok");
const textCases = [
	["one line", "ok"], ["tab\tinside", "ok"], ["new\nline", "bad"], ["bell\u0007", "bad"],
	["del\u007f", "bad"], ["c1\u0085", "bad"], ["ls\u2028", "bad"], ["Æ Ø Å Þ Ð 😀", "ok"],
	["lone \ud800 surrogate", "bad"],
];
for (const [s, want] of textCases)
	expect("text " + JSON.stringify(s), Object.assign(clone(inst), { name: s }), null, ADMIN,
	       want === "ok" ? "ok" : ["field 'name' must be one line of UTF-8 text"],
	       want === "ok" ? null : "control character");
expect("long text with newlines", Object.assign(clone(prj), { description: "a\nb\n" }), null,
       ADMIN, "ok");
expect("long text with an escape", Object.assign(clone(prj), { description: "a\u001b[2J" }),
       null, ADMIN, ["field 'description' must be UTF-8 text without control characters"]);
for (const [u, want] of [["https://x.org", "ok"], ["http://x.org/a", "ok"], ["ftp://x.org", "bad"],
			 ["https://a b.org", "bad"], ["https://", "bad"], ["https://x", "ok"],
			 ["https://x\u0085", "bad"]])
	expect("url " + u, Object.assign(clone(inst), { url: u }), null, ADMIN,
	       want === "ok" ? "ok" : ["field 'url': '" + u + "' is not an http:// or https://"]);
const person = byType.person;
for (const [m, want] of [["a@b.se", "ok"], ["a.b@c.d.se", "ok"], ["@b.se", "bad"], ["a@b", "bad"],
			 ["a@b.", "bad"], ["a b@c.se", "bad"], ["a@b@c.se", "bad"]])
	expect("email " + m, Object.assign(clone(person), { email: m }), null, ADMIN,
	       want === "ok" ? "ok" : ["field 'email': '" + m + "' is not an email address"]);
const area = byType.area;
for (const [n, want] of [[0, "ok"], [-5, "ok"], [2147483647, "ok"], [1.5, "bad"],
			 [2147483648, "bad"], [NaN, "bad"]])
	expect("integer " + n, Object.assign(clone(area), { position: n }), null, ADMIN,
	       want === "ok" ? "ok" : ["field 'position' must be a whole number"]);
const prop = byType.proposal;
for (const [v, want] of [[{}, "ok"], [{ "institution:kb-se": 0 }, "ok"],
			 [{ "institution:kb-se": 2 }, "bad"], [{ "institution:kb-se": 0.5 }, "bad"],
			 [{ "institution:kb-se": null }, "bad"], [{ "area:x": 1 }, "bad"]])
	expect("votes " + JSON.stringify(v), Object.assign(clone(prop), { votes: v }), null, ADMIN,
	       want === "ok" ? "ok" : ["field 'votes'"]);
const st = byType.standing;
expect("a standing whose id does not follow from its area and institution",
       Object.assign(clone(st), { _id: "standing:elsewhere:kb-se" }), null, ADMIN,
       ["a standing of this area and institution must have the id " + st._id], "standing id");

// ------------------------------------------------------------------ size
const big = (n) => Object.assign(clone(prj), { description: "é".repeat(n) });
expect("a record of 900 kB", big(450 * 1000), null, ADMIN, "ok");
expect("a record over 1 MB (counted in UTF-8 bytes)", big(530 * 1000), null, ADMIN,
       ["the record is larger than 1 MB"], "size");

// ------------------------------------------------------------------ deletes and design documents
const tomb = (d) => ({ _id: d._id, _rev: "2-b", _deleted: true });
for (const t of TYPES)
	if (byType[t])
		expect(t + ": a delete", tomb(byType[t]), byType[t], ADMIN, "ok");
expect("a delete without the old document", tomb(prj), null, member("nb-no"), "ok");
const ddoc = { _id: "_design/other", views: {} };
expect("a design document by _admin", ddoc, null, ADMIN, "ok");
expect("a design document by noron-admin", ddoc, null, NORON_ADMIN, "ok");
expect("a design document by a member", ddoc, null, member("kb-se"),
       ["only the administrators of the endpoint may change design documents"]);
expect("a design document deleted by a member", { _id: "_design/noron", _deleted: true }, ddoc,
       member("kb-se"), ["design documents"]);
expect("a malformed record by _admin: structure holds for administrators too",
       Object.assign(clone(prj), { status: "maybe" }), null, ADMIN, ["field 'status'"]);
expect("a malformed record by noron-admin", Object.assign(clone(prj), { status: "maybe" }), null,
       NORON_ADMIN, ["field 'status'"]);

// ------------------------------------------------------------------ rights: standing cells
// st is a standing of kb-se (test_validate.sh makes it so).
const kbse = member("kb-se"), nbno = member("nb-no");
if (st.institution !== "institution:kb-se")
	notOk("the standing of the export is kb-se's", st.institution);
const stEdit = Object.assign(clone(st), { level: "advanced", _rev: "2-x" });
expect("kb-se creates its standing cell", st, null, kbse, "ok");
expect("kb-se changes its standing cell", stEdit, st, kbse, "ok");
expect("kb-se deletes its standing cell", tomb(st), st, kbse, "ok");
expect("nb-no creates kb-se's standing cell", st, null, nbno,
       ["only the staff of kb-se (role inst:kb-se) may change its standing"], "standing rights");
expect("nb-no changes kb-se's standing cell", stEdit, st, nbno, ["only the staff of kb-se"]);
expect("nb-no deletes kb-se's standing cell", tomb(st), st, nbno, ["only the staff of kb-se"]);
expect("a member without an institution changes a standing cell", stEdit, st, NOBODY,
       ["only the staff of kb-se"]);
expect("a user working for two institutions", stEdit, st,
       { name: "two", roles: ["noron", "inst:nb-no", "inst:kb-se"] }, "ok");
expect("noron-admin changes any standing cell", stEdit, st, NORON_ADMIN, "ok");
expect("_admin changes any standing cell", stEdit, st, ADMIN, "ok");
expect("kb-se recreates its cell over a CouchDB tombstone", st,
       { _id: st._id, _rev: "3-t", _deleted: true }, kbse, "ok");
expect("nb-no recreates kb-se's cell over a tombstone", st,
       { _id: st._id, _rev: "3-t", _deleted: true }, nbno, ["only the staff of kb-se"]);
expect("the role inst:kb-se is not inst:kb-seX", stEdit, st,
       { name: "x", roles: ["noron", "inst:kb-sex"] }, ["only the staff of kb-se"]);

// ------------------------------------------------------------------ rights: votes
const p0 = Object.assign(clone(prop), { votes: { "institution:nb-no": -1 } });
const vote = (votes, extra) => Object.assign(clone(p0), { votes: votes, _rev: "2-v" }, extra || {});
expect("kb-se adds its vote", vote({ "institution:nb-no": -1, "institution:kb-se": 1 }), p0,
       kbse, "ok");
expect("kb-se changes its vote", vote({ "institution:nb-no": -1, "institution:kb-se": 0 }),
       vote({ "institution:nb-no": -1, "institution:kb-se": 1 }), kbse, "ok");
expect("kb-se removes its vote", vote({ "institution:nb-no": -1 }),
       vote({ "institution:nb-no": -1, "institution:kb-se": 1 }), kbse, "ok");
expect("kb-se changes nb-no's vote", vote({ "institution:nb-no": 1 }), p0, kbse,
       ["field 'votes': only nb-no (role inst:nb-no) may change the vote of institution:nb-no"],
       "vote rights");
expect("kb-se removes nb-no's vote", vote({}), p0, kbse, ["only nb-no"]);
expect("kb-se adds a vote for nb-no", vote({ "institution:nb-no": -1, "institution:nl-fi": 1 }),
       p0, kbse, ["only nl-fi (role inst:nl-fi)"]);
expect("kb-se changes the title, other votes unchanged", vote(p0.votes, { title: "New title" }),
       p0, kbse, "ok");
expect("kb-se changes the status, other votes unchanged", vote(p0.votes, { status: "review" }),
       p0, kbse, "ok");
expect("a new proposal with kb-se's vote, by kb-se", vote({ "institution:kb-se": 1 }), null,
       kbse, "ok");
expect("a new proposal with nb-no's vote, by kb-se", vote({ "institution:nb-no": 1 }), null,
       kbse, ["only nb-no"]);
expect("votes emptied to null by kb-se", vote(null), p0, kbse, ["only nb-no"]);
expect("a member without an institution votes", vote({ "institution:nb-no": -1,
	"institution:kb-se": 1 }), p0, NOBODY, ["only kb-se"]);
expect("noron-admin changes any vote", vote({ "institution:nb-no": 1 }), p0, NORON_ADMIN, "ok");
expect("_admin changes any vote", vote({ "institution:nb-no": 1 }), p0, ADMIN, "ok");
expect("kb-se deletes a proposal with others' votes", tomb(p0), p0, kbse, "ok");

// ------------------------------------------------------------------ rights: everything else
for (const t of ["institution", "area", "person", "skill", "project", "event", "fund"]) {
	if (!byType[t])
		continue;
	const title = Object.keys(help[t]).find((n) => help[t][n].kind === "text" &&
						n !== "code");
	expect(t + ": any member changes it (" + title + ")",
	       Object.assign(clone(byType[t]), { [title]: "Changed by nb-no", _rev: "2-e" }),
	       byType[t], nbno, "ok");
	expect(t + ": a member without an institution changes it",
	       Object.assign(clone(byType[t]), { [title]: "Changed", _rev: "2-e" }),
	       byType[t], NOBODY, "ok");
}
expect("no userCtx at all: not an admin", stEdit, st, null, ["only the staff of kb-se"]);

if (samplesFile)
	fs.writeFileSync(samplesFile, JSON.stringify(samples, null, 1));
console.log(passed + " passed, " + failed + " failed");
process.exit(failed ? 1 : 0);

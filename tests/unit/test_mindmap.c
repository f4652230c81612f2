/*
 * Unit tests of the mind map import and export (model/mindmap_*.c), each on
 * a seeded cache file in its own temporary directory. Imports are inline
 * .mm texts; exports are read back with expat.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "tmp_cache.h"
#include "mindmap.h"
#include "mindmap_internal.h"
#include "record.h"
#include "util.h"


#define AREAS "SELECT count(*) FROM docs WHERE type = 'area' AND deleted = 0"

/* A field of a record as text ("" when it has none). */
static char *field(struct fx *f, const char *id, const char *name)
{
	struct cache_doc d;
	if (cache_get(f->c, id, &d, &f->err) != 1)
		fail_msg("no record %s", id);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(d.body, name);
	char *s = cJSON_IsString(v) ? xstrdup(v->valuestring)
		: cJSON_IsNumber(v) ? str_printf("%d", v->valueint) : xstrdup("");
	cache_doc_free(&d);
	return s;
}

#define assert_field(f, id, name, want) \
	do { \
		char *got_ = field(f, id, name); \
		assert_string_equal(got_, want); \
		free(got_); \
	} while (0)

/* The id of the live area with this title (exactly), or fails. */
static char *area_titled(struct fx *f, const char *title)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(f->c), "SELECT id FROM docs WHERE type = "
					    "'area' AND deleted = 0 AND json_extract(body, "
					    "'$.title') = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no area titled '%s'", title);
	char *id = xstrdup((const char *)sqlite3_column_text(st, 0));
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);	/* only one */
	sqlite3_finalize(st);
	return id;
}

static struct mindmap_stats import_ok(struct fx *f, const char *text)
{
	struct mindmap_stats st;
	if (mindmap_import(f->c, text, "t.mm", &st, &f->err))
		fail_msg("import: %s", f->err);
	return st;
}

#define assert_stats(st, a, u, n, e) \
	do { assert_int_equal((st).added, a); assert_int_equal((st).updated, u); \
	     assert_int_equal((st).unchanged, n); assert_int_equal((st).elsewhere, e); } while (0)

/* The import is refused with a message holding both parts, and changes nothing. */
static void assert_refused(struct fx *f, const char *text, const char *where, const char *why)
{
	long long docs = fx_number(f->c, "SELECT count(*) FROM docs");
	long long hist = fx_number(f->c, "SELECT count(*) FROM history");
	struct mindmap_stats st;
	free(f->err);
	f->err = NULL;
	assert_int_equal(mindmap_import(f->c, text, "t.mm", &st, &f->err), -1);
	assert_non_null(f->err);
	if (!strstr(f->err, where) || (why && !strstr(f->err, why)))
		fail_msg("message '%s' should hold '%s' and '%s'", f->err, where, why ? why : "");
	assert_int_equal(strncmp(f->err, "t.mm: ", 6), 0);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM docs"), docs);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM history"), hist);
	assert_stats(st, 0, 0, 0, 0);
}

/* The charter's map as FreeMind writes it: the seven main groups (some in
 * another case than the seed's) with their subgroups, and one new node. */
#define NODE(id, text) "<node TEXT=\"" text "\" ID=\"" id "\">"
#define LEAF(id, text) "<node TEXT=\"" text "\" ID=\"" id "\"/>\n"
#define CHARTER_WITH(web_access) \
	"<map version=\"1.0.1\">\n" \
	"<!-- To view this file, download free mind mapping software FreeMind -->\n" \
	"<node TEXT=\"NORON coordination\" ID=\"ID_root\">\n" \
	NODE("ID_dig", "digitization") "\n" LEAF("ID_av", "Audiovisual digitization") "</node>\n" \
	NODE("ID_dep", "Digital deposit") "\n" LEAF("ID_dld", "Digital Legal Deposit") "</node>\n" \
	NODE("ID_pres", "Digital preservation") "\n" LEAF("ID_repo", "Repository technology") \
	LEAF("ID_sto", "STORAGE") "</node>\n" \
	NODE("ID_inf", "Infrastructure") "\n" LEAF("ID_ti", "Technical infrastructure") \
	"</node>\n" \
	LEAF("ID_meta", "Metadata") \
	NODE("ID_org", "Organization") "\n" LEAF("ID_cat", "Catalogue of skills") \
	LEAF("ID_se", "Staff exchange") LEAF("ID_sw", "Sharing work") LEAF("ID_ws", "Workshops") \
	"</node>\n" web_access \
	LEAF("ID_funds", "Nordic funds &#xC6;&#xD8;&#xC5; &#xE6;&#xF8;&#xE5; &#xFE;&#xF0;") \
	"</node>\n</map>\n"
#define WEB_ACCESS \
	NODE("ID_web", "Web access") "\n" LEAF("ID_harv", "Web harvesting") \
	LEAF("ID_mob", "Mobile platforms") "</node>\n"
#define CHARTER CHARTER_WITH(WEB_ACCESS)

/* Guards: the first import of the charter's map into the seeded cache finds
 * the seed's areas by title under the same parent (case aside) and keeps
 * their ids, adding only the new node; the import is one undo step. */
static void test_charter_matches_seed(void **state)
{
	struct fx *f = *state;
	long long hist = fx_number(f->c, "SELECT count(*) FROM history");
	struct mindmap_stats st = import_ok(f, CHARTER);
	assert_stats(st, 1, 18, 0, 0);
	assert_int_equal(fx_number(f->c, AREAS), 19);
	assert_field(f, "area:storage", "map_id", "ID_sto");
	assert_field(f, "area:storage", "title", "STORAGE");
	assert_field(f, "area:storage", "parent", "area:digital-preservation");
	assert_field(f, "area:storage", "position", "2");
	assert_field(f, "area:digitization", "map_id", "ID_dig");
	assert_field(f, "area:web-access", "position", "7");
	/* the seed's description stays: the map's nodes have no notes */
	char *desc = field(f, "area:storage", "description");
	assert_true(strlen(desc) > 20);
	free(desc);
	char *id = area_titled(f, "Nordic funds ÆØÅ æøå þð");
	assert_int_equal(strncmp(id, "area:mm-", 8), 0);
	assert_field(f, id, "parent", "");
	assert_field(f, id, "position", "8");
	free(id);
	/* one undo step takes the whole import back */
	assert_int_equal(fx_number(f->c, "SELECT count(DISTINCT batch) FROM history"
				   " WHERE kind = 'import'"), 1);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
	assert_int_equal(fx_number(f->c, AREAS), 18);
	assert_field(f, "area:storage", "map_id", "");
	assert_field(f, "area:storage", "title", "Storage");
	assert_true(fx_number(f->c, "SELECT count(*) FROM history") > hist);
}

/* Guards: importing the same map again changes nothing. */
static void test_reimport_unchanged(void **state)
{
	struct fx *f = *state;
	import_ok(f, CHARTER);
	long long hist = fx_number(f->c, "SELECT count(*) FROM history");
	struct mindmap_stats st = import_ok(f, CHARTER);
	assert_stats(st, 0, 0, 19, 0);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM history"), hist);
}

/* Guards: a renamed node and a node moved to another parent update their
 * areas (found by the node's ID), not new ones. */
static void test_rename_and_move(void **state)
{
	struct fx *f = *state;
	import_ok(f, CHARTER);
	struct mindmap_stats st = import_ok(f, CHARTER_WITH(
		NODE("ID_web", "Web access") "\n" LEAF("ID_harv", "Harvesting the web")
		NODE("ID_mob_parent", "Mobile") LEAF("ID_mob", "Mobile platforms")
		"</node>\n</node>\n"));
	/* renamed: harvesting; moved: mobile platforms; new: its new parent */
	assert_stats(st, 1, 2, 17, 0);
	assert_int_equal(fx_number(f->c, AREAS), 20);
	assert_field(f, "area:web-harvesting", "title", "Harvesting the web");
	assert_field(f, "area:web-harvesting", "map_id", "ID_harv");
	char *mobile = area_titled(f, "Mobile");
	assert_field(f, "area:mobile-platforms", "parent", mobile);
	assert_field(f, "area:mobile-platforms", "position", "1");
	assert_field(f, mobile, "parent", "area:web-access");
	assert_field(f, mobile, "position", "2");
	free(mobile);
}

/* Guards: areas the map does not hold are counted and left as they are. */
static void test_areas_elsewhere(void **state)
{
	struct fx *f = *state;
	cJSON *doc = record_new(type_find("area"));
	assert_int_equal(record_set(doc, "title", "Only in the cache", &f->err), 0);
	assert_int_equal(record_set(doc, "parent", "storage", &f->err), 0);
	assert_int_equal(cache_save(f->c, doc, HIST_ADD, &f->err), 1);
	char *id = xstrdup(record_id(doc));
	cJSON_Delete(doc);
	struct mindmap_stats st = import_ok(f, "<map><node TEXT=\"Root\"><node TEXT=\"Metadata\"/>"
					    "<node TEXT=\"Brand new\"/></node></map>");
	assert_stats(st, 1, 1, 0, 18);
	assert_field(f, id, "title", "Only in the cache");
	assert_field(f, id, "parent", "area:storage");
	assert_field(f, "area:metadata", "map_id", "");	/* the node has no ID */
	free(id);
}

#define ONE_NODE(inner) "<map version=\"1.0.1\"><node TEXT=\"Root\">\n" \
	"<node TEXT=\"Noted\" ID=\"ID_n\">" inner "</node></node></map>\n"

/* Guards: a note's HTML becomes plain text: tags stripped, block elements
 * end lines, an empty paragraph is a blank line, entities decoded, white
 * space collapsed, the head left out; notes and details join in their order. */
static void test_note_as_text(void **state)
{
	struct fx *f = *state;
	import_ok(f, ONE_NODE(
		"<richcontent TYPE=\"NOTE\"><html>\n  <head>\n    <style>p { x }</style>\n"
		"    <title>not this</title>\n  </head>\n  <body>\n"
		"    <p>\n      First &amp; <b>bold</b>\n      line\n    </p>\n"
		"    <p>\n    </p>\n    <p>&#xC6;r&#xF8; &lt;x&gt; &quot;q&quot;</p>\n"
		"    <ul><li>one</li><li>two</li></ul>a<br/>b<pre>  kept\n    as is</pre>\n"
		"  </body>\n</html>\n</richcontent>\n"
		"<richcontent TYPE=\"DETAILS\"><html><body><p>Details</p></body></html>"
		"</richcontent>"));
	char *id = area_titled(f, "Noted");
	assert_field(f, id, "description", "First & bold line\n\nÆrø <x> \"q\"\none\ntwo\na\nb\n"
		     "  kept\n    as is\n\nDetails");
	free(id);
}

/* Guards: a node without TEXT takes its title from its rich text, as one line. */
static void test_rich_title(void **state)
{
	struct fx *f = *state;
	import_ok(f, "<map><node TEXT=\"Root\"><node ID=\"ID_r\"><richcontent TYPE=\"NODE\">"
		  "<html><head/><body><p>Rich <i>title</i></p><p>in two</p></body></html>"
		  "</richcontent></node><node ID=\"ID_e\" TEXT=\"\"/></node></map>");
	char *id = area_titled(f, "Rich title in two");
	assert_field(f, id, "map_id", "ID_r");
	free(id);
	id = area_titled(f, "(untitled)");
	free(id);
}

/* Guards: a map as Freeplane writes it: styles in a hook of the root (their
 * nodes and notes are not areas), a newline in TEXT, plain-text notes,
 * attributes, icons and positions of its own. */
static void test_freeplane(void **state)
{
	struct fx *f = *state;
	struct mindmap_stats st = import_ok(f,
		"<map version=\"freeplane 1.9.13\">\n"
		"<!--To view this file, download free mind mapping software Freeplane -->\n"
		"<node TEXT=\"NORON\" LOCALIZED_STYLE_REF=\"AutomaticLayout.level.root\" "
		"FOLDED=\"false\" ID=\"ID_1090958577\" CREATED=\"1300000000000\">\n"
		"<font SIZE=\"18\"/>\n<hook NAME=\"MapStyle\">\n"
		"<properties edgeColorConfiguration=\"#808080ff\" show_note_icons=\"true\"/>\n"
		"<map_styles>\n<stylenode LOCALIZED_TEXT=\"styles.root_node\" STYLE=\"oval\">\n"
		"<stylenode LOCALIZED_TEXT=\"styles.predefined\" POSITION=\"bottom_or_right\">\n"
		"<stylenode LOCALIZED_TEXT=\"default\" ID=\"ID_271890427\" COLOR=\"#000000\">\n"
		"<richcontent CONTENT-TYPE=\"plain/auto\" TYPE=\"DETAILS\"/>\n"
		"<richcontent TYPE=\"NOTE\" CONTENT-TYPE=\"plain/auto\"/>\n"
		"</stylenode>\n</stylenode>\n</stylenode>\n</map_styles>\n</hook>\n"
		"<node TEXT=\"Web&#xa;archiving\" POSITION=\"bottom_or_right\" ID=\"ID_1\" "
		"CREATED=\"1\" MODIFIED=\"2\">\n<icon BUILTIN=\"yes\"/>\n"
		"<attribute NAME=\"kb-dk\" VALUE=\"advanced\"/>\n"
		"<richcontent TYPE=\"NOTE\" CONTENT-TYPE=\"plain/\">\n"
		"    <text>Line one&#xd;\nLine two</text>\n</richcontent>\n"
		"<node TEXT=\"Crawling\" ID=\"ID_2\"><richcontent TYPE=\"NOTE\" "
		"CONTENT-TYPE=\"xml/\">\n<html>\n  <head>\n    \n  </head>\n  <body>\n"
		"    <p>\n      Heritrix\n    </p>\n  </body>\n</html>\n</richcontent></node>\n"
		"</node>\n</node>\n</map>\n");
	assert_stats(st, 2, 0, 0, 18);
	char *web = area_titled(f, "Web archiving"), *crawl = area_titled(f, "Crawling");
	assert_field(f, web, "description", "Line one\nLine two");
	assert_field(f, web, "map_id", "ID_1");
	assert_field(f, crawl, "description", "Heritrix");
	assert_field(f, crawl, "parent", web);
	free(web);
	free(crawl);
}

/* Guards: CDATA, character and predefined entities, and UTF-8 as is. */
static void test_cdata_and_entities(void **state)
{
	struct fx *f = *state;
	import_ok(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<map><node TEXT=\"Root\"><node TEXT=\"Tom &amp; Jerry &#198;&#xF8; "
		  "&apos;Þóra&apos; &lt;3\" ID=\"ID_c\"><richcontent TYPE=\"NOTE\"><html><body>"
		  "<p><![CDATA[a <b> & c]]></p></body></html></richcontent></node></node></map>");
	char *id = area_titled(f, "Tom & Jerry Æø 'Þóra' <3");
	assert_field(f, id, "description", "a <b> & c");
	free(id);
}

/* Guards: an ISO-8859-1 map (older FreeMind files) is read as such. */
static void test_latin1(void **state)
{
	struct fx *f = *state;
	import_ok(f, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		  "<map><node TEXT=\"Root\"><node TEXT=\"\xC6gir \xF0\xFE\"/></node></map>");
	free(area_titled(f, "Ægir ðþ"));
}

/* Guards: a broken file is refused naming its line, and nothing is imported. */
static void test_broken(void **state)
{
	struct fx *f = *state;
	assert_refused(f, "<map>\n<node TEXT=\"a\">\n<node TEXT=\"b\">\n</map>\n", "line 4:",
		       "mismatched tag");
	assert_refused(f, "<map>\n<node TEXT=\"a\"><node TEXT=\"b\"/></node>\n", "line 3:",
		       "no element found");
	assert_refused(f, "<map>\n<node TEXT=\"a & b\"/></map>", "line 2:", "not well-formed");
	assert_refused(f, "<map>\n<node TEXT=\"&nbsp;\"/></map>", "line 2:", "undefined entity");
	assert_refused(f, "<map>\n<node TEXT=\"&#1;\"/></map>", "line 2:",
		       "reference to invalid character number");
	assert_refused(f, "<html><body/></html>", "line 1:", "not a FreeMind or Freeplane map");
	assert_refused(f, "", "line 1:", "no element found");
	assert_refused(f, "<map><node TEXT=\"\xFF\"/></map>", "line 1:", "invalid token");
	/* a good node before the error is not imported either */
	assert_refused(f, "<map><node TEXT=\"R\">\n<node TEXT=\"Fine\"/>\n<node TEXT=\"x\">"
		       "</nod></node></map>", "line 3:", "mismatched tag");
}

/* Guards: a node's ID on two nodes is refused, naming both lines. */
static void test_duplicate_ids(void **state)
{
	struct fx *f = *state;
	assert_refused(f, "<map><node TEXT=\"R\">\n<node TEXT=\"a\" ID=\"ID_1\"/>\n"
		       "<node TEXT=\"b\" ID=\"ID_1\"/>\n</node></map>", "line 3:",
		       "the ID 'ID_1' is on two nodes (the other is on line 2)");
}

/* Guards: nodes deeper than the cache's tree can hold are refused. */
static void test_too_deep(void **state)
{
	struct fx *f = *state;
	struct buf ok = { 0 };
	buf_puts(&ok, "<map><node TEXT=\"Root\">");
	for (int i = 0; i < MM_MAX_LEVELS; i++)
		buf_printf(&ok, "<node TEXT=\"level %d\">", i + 1);
	for (int i = 0; i <= MM_MAX_LEVELS; i++)
		buf_puts(&ok, "</node>");
	buf_puts(&ok, "</map>");
	struct mindmap_stats st = import_ok(f, ok.s);
	assert_int_equal(st.added, MM_MAX_LEVELS);
	free(ok.s);
	struct buf deep = { 0 };
	buf_puts(&deep, "<map><node TEXT=\"Root\">");
	for (int i = 0; i <= MM_MAX_LEVELS; i++)
		buf_printf(&deep, "<node TEXT=\"deep %d\">", i + 1);
	for (int i = 0; i <= MM_MAX_LEVELS + 1; i++)
		buf_puts(&deep, "</node>");
	buf_puts(&deep, "</map>");
	assert_refused(f, deep.s, "line 1:", "nested more than 64 levels");
	free(deep.s);
}

#define LAUGHS \
	"<?xml version=\"1.0\"?>\n<!DOCTYPE map [\n <!ENTITY lol \"lol\">\n" \
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n" \
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n" \
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n" \
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n" \
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n" \
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n" \
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n" \
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n" \
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n" \
	"]>\n<map><node TEXT=\"R\"><node TEXT=\"&lol9;\"/></node></map>\n"

/* Guards: entity expansion ("billion laughs") is refused at once. */
static void test_billion_laughs(void **state)
{
	struct fx *f = *state;
	clock_t t0 = clock();
	assert_refused(f, LAUGHS, "line 2:", "a DOCTYPE with declarations");
	assert_true(clock() - t0 < CLOCKS_PER_SEC);
}

/* Guards: no other file is ever read: external entities and DTDs are
 * refused, and so is an entity no one declares. */
static void test_external_entities(void **state)
{
	struct fx *f = *state;
	assert_refused(f, "<?xml version=\"1.0\"?>\n<!DOCTYPE map [\n"
		       "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
		       "<map><node TEXT=\"R\"><node TEXT=\"&xxe;\"/></node></map>\n",
		       "line 2:", "DOCTYPE");
	assert_refused(f, "<!DOCTYPE map SYSTEM \"file:///etc/passwd\">\n"
		       "<map><node TEXT=\"R\"><node TEXT=\"&xxe;\"/></node></map>\n",
		       "line 1:", "outside DTD");
	assert_refused(f, "<map><node TEXT=\"R\">\n<node TEXT=\"&xxe;\"/></node></map>\n",
		       "line 2:", "undefined entity");
	/* a bare DOCTYPE declares nothing and is read */
	import_ok(f, "<!DOCTYPE map>\n<map><node TEXT=\"R\"><node TEXT=\"Plain\"/></node></map>");
	free(area_titled(f, "Plain"));
}

/* Guards: what a node holds that the cache refuses names the node's line. */
static void test_refused_record(void **state)
{
	struct fx *f = *state;
	struct buf big = { 0 };
	buf_puts(&big, "<map><node TEXT=\"R\">\n<node TEXT=\"ok\"/>\n<node TEXT=\"big\">"
		 "<richcontent TYPE=\"NOTE\"><html><body><p>");
	for (int i = 0; i < 120000; i++)
		buf_puts(&big, "ten bytes ");
	buf_puts(&big, "</p></body></html></richcontent></node></node></map>");
	assert_refused(f, big.s, "t.mm: line 3: ", NULL);
	free(big.s);
}

/* --- Export ----------------------------------------------------------------- */

static char *export_text(struct fx *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (mindmap_export(f->c, out, &f->err))
		fail_msg("mindmap_export: %s", f->err);
	fclose(out);
	return text;
}

/* What expat reads back: every node's TEXT in document order with its depth
 * ("  title" per level), and the attributes and icons of each. */
struct readback {
	struct buf nodes;
	int depth;
};

static void XMLCALL rb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct readback *r = ud;
	if (!strcmp(name, "node")) {
		for (int i = 0; i < r->depth; i++)
			buf_puts(&r->nodes, "  ");
		for (; *atts; atts += 2)
			if (!strcmp(atts[0], "TEXT"))
				buf_printf(&r->nodes, "%s\n", atts[1]);
		r->depth++;
	} else if (!strcmp(name, "attribute")) {
		buf_printf(&r->nodes, "%*s@%s=%s\n", 2 * (r->depth - 1), "", atts[1], atts[3]);
	} else if (!strcmp(name, "icon")) {
		buf_printf(&r->nodes, "%*s!%s\n", 2 * (r->depth - 1), "", atts[1]);
	}
}

static void XMLCALL rb_end(void *ud, const XML_Char *name)
{
	struct readback *r = ud;
	r->depth -= !strcmp(name, "node");
}

/* The export as expat reads it; fails when it is not well-formed XML. */
static char *read_back(const char *text)
{
	struct readback r = { 0 };
	buf_puts(&r.nodes, "");
	XML_Parser p = XML_ParserCreate(NULL);
	XML_SetUserData(p, &r);
	XML_SetElementHandler(p, rb_start, rb_end);
	if (XML_Parse(p, text, (int)strlen(text), XML_TRUE) != XML_STATUS_OK)
		fail_msg("line %lu: %s in:\n%s", XML_GetCurrentLineNumber(p),
			 XML_ErrorString(XML_GetErrorCode(p)), text);
	XML_ParserFree(p);
	return buf_take(&r.nodes);
}

static void set_field(struct fx *f, const char *id, const char *name, const char *value)
{
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, id, &d, &f->err), 1);
	assert_int_equal(record_set(d.body, name, value, &f->err), 0);
	assert_int_equal(cache_save(f->c, d.body, HIST_EDIT, &f->err), 1);
	cache_doc_free(&d);
}

static void add_standing(struct fx *f, const char *area, const char *inst, const char *level,
			 const char *priority)
{
	cJSON *doc = record_new(type_find("standing"));
	assert_int_equal(record_set(doc, "area", area, &f->err), 0);
	assert_int_equal(record_set(doc, "institution", inst, &f->err), 0);
	if (level)
		assert_int_equal(record_set(doc, "level", level, &f->err), 0);
	assert_int_equal(record_set(doc, "priority", priority, &f->err), 0);
	record_derive_id(doc);
	if (cache_save(f->c, doc, HIST_ADD, &f->err) != 1)
		fail_msg("standing: %s", f->err);
	cJSON_Delete(doc);
}

/* Guards: the export is the area tree under one root, with each library's
 * level as an attribute, and an icon and the libraries' names where it is
 * a priority; IDs are the imported ones or follow from the record's id. */
static void test_export_tree(void **state)
{
	struct fx *f = *state;
	add_standing(f, "storage", "kb-se", "operational", "yes");
	add_standing(f, "storage", "kb-dk", "started", "no");
	add_standing(f, "storage", "nb-no", NULL, "yes");
	add_standing(f, "metadata", "lbs-is", "planned", "no");
	set_field(f, "area:metadata", "map_id", "Freemind_Link_42");
	char *text = export_text(f);
	char *back = read_back(text);
	assert_non_null(strstr(back, "NORON IT cooperation\n  Digitization\n"
			       "    Audiovisual digitization\n  Digital deposit\n"));
	assert_non_null(strstr(back, "  Digital preservation\n    Repository technology\n"
			       "    Storage\n    !messagebox_warning\n"
			       "    @kb-dk=started\n    @kb-se=operational\n"
			       "    @priority=kb-se, nb-no\n  Infrastructure\n"));
	assert_non_null(strstr(back, "  Metadata\n  @lbs-is=planned\n  Organization\n"));
	assert_int_equal(strstr(back, "!messagebox") - back,
			 strrchr(back, '!') - back);	/* one icon only */
	assert_non_null(strstr(text, "<node TEXT=\"Metadata\" ID=\"Freemind_Link_42\" "
			       "POSITION=\"right\">"));
	assert_non_null(strstr(text, "<node TEXT=\"Storage\" ID=\"ID_storage\">"));
	assert_non_null(strstr(text, "ID=\"ID_web_access\" POSITION=\"right\""));
	assert_non_null(strstr(text, "<richcontent TYPE=\"NOTE\"><html>"));
	assert_true(strncmp(text, "<map version=\"1.0.1\">\n", 22) == 0);
	free(back);
	free(text);
}

/* Guards: any title or description exports as well-formed XML 1.0: markup
 * escaped, control characters and bytes that are not UTF-8 left out. */
static void test_export_hostile(void **state)
{
	struct fx *f = *state;
	sqlite3_exec(cache_db(f->c), "UPDATE docs SET body = json_set(body, '$.title', "
		     "'</node><node TEXT=\"x\"> & ' || char(1) || char(27) || '[31m ' || "
		     "char(133) || 'Æ\"q''' || char(9) || 'z', '$.description', 'a ]]> <b>'"
		     " || char(12) || char(10) || char(10) || '&amp;', '$.map_id', 'bad id\"')"
		     " WHERE id = 'area:storage'", NULL, NULL, NULL);
	sqlite3_exec(cache_db(f->c), "UPDATE docs SET body = json_set(body, '$.title', "
		     "CAST(x'41ff42' AS TEXT)) WHERE id = 'area:metadata'", NULL, NULL, NULL);
	char *text = export_text(f);
	char *back = read_back(text);
	assert_non_null(strstr(back, "    </node><node TEXT=\"x\"> & [31m Æ\"q'\tz\n"));
	assert_non_null(strstr(back, "\n  AB\n"));
	assert_int_equal(strstr(text, "\x1b"), NULL);
	assert_non_null(strstr(text, "ID=\"ID_storage\""));
	/* the note reads back as the description, the control character aside */
	struct fx g = { .dir = f->dir };
	g.path = str_printf("%s/empty.db", f->dir);
	assert_int_equal(cache_open(g.path, CACHE_CREATE, &g.c, &g.err), 0);
	import_ok(&g, text);
	char *id = area_titled(&g, "</node><node TEXT=\"x\"> & [31m Æ\"q' z");
	assert_field(&g, id, "description", "a ]]> <b>\n\n&amp;");
	free(id);
	cache_close(g.c);
	free(g.path);
	free(g.err);
	free(back);
	free(text);
}

/* Guards: an export imported into an empty cache gives the same tree, titles
 * and descriptions; imported again into its own cache it changes nothing
 * but the map_ids it stores. */
static void test_round_trip(void **state)
{
	struct fx *f = *state;
	cJSON *doc = record_new(type_find("area"));
	record_set(doc, "title", "Þjóðskjalasafn & co", &f->err);
	record_set(doc, "parent", "storage", &f->err);
	record_set(doc, "description", "First line\n\nThird: <ÆØÅ>", &f->err);
	assert_int_equal(cache_save(f->c, doc, HIST_ADD, &f->err), 1);
	cJSON_Delete(doc);
	char *text = export_text(f);
	struct fx g = { .dir = f->dir };
	g.path = str_printf("%s/empty.db", f->dir);
	assert_int_equal(cache_open(g.path, CACHE_CREATE, &g.c, &g.err), 0);
	struct mindmap_stats st = import_ok(&g, text);
	assert_stats(st, 19, 0, 0, 0);
	char *id = area_titled(&g, "Þjóðskjalasafn & co"), *storage = area_titled(&g, "Storage");
	assert_field(&g, id, "description", "First line\n\nThird: <ÆØÅ>");
	assert_field(&g, id, "parent", storage);
	char *map_id = field(&g, id, "map_id");	/* "ID_" and the id's 32 hex digits */
	assert_int_equal(strncmp(map_id, "ID_", 3), 0);
	assert_int_equal(strlen(map_id), 35);
	free(map_id);
	char *again = export_text(&g), *a = read_back(text), *b = read_back(again);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(again);
	free(id);
	free(storage);
	cache_close(g.c);
	free(g.path);
	free(g.err);
	st = import_ok(f, text);
	assert_stats(st, 0, 19, 0, 0);
	st = import_ok(f, text);
	assert_stats(st, 0, 0, 19, 0);
	free(text);
}

/* Guards: titles match whatever their case, Nordic letters included. */
static void test_same_fold(void **state)
{
	(void)state;
	assert_true(text_same_fold("Digital Preservation", "digital preservation"));
	assert_true(text_same_fold("ÆØÅ ÄÖ ÞÐ", "æøå äö þð"));
	assert_false(text_same_fold("Storage", "Storages"));
	assert_false(text_same_fold("æ", "ø"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_charter_matches_seed),
		T(test_reimport_unchanged),
		T(test_rename_and_move),
		T(test_areas_elsewhere),
		T(test_note_as_text),
		T(test_rich_title),
		T(test_freeplane),
		T(test_cdata_and_entities),
		T(test_latin1),
		T(test_broken),
		T(test_duplicate_ids),
		T(test_too_deep),
		T(test_billion_laughs),
		T(test_external_entities),
		T(test_refused_record),
		T(test_export_tree),
		T(test_export_hostile),
		T(test_round_trip),
		T(test_same_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

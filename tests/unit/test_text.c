/*
 * Unit tests of the small helpers: terminal-safe text and column widths
 * (util.h), the full-text query builder (cache.h), whole-file reading and
 * atomic writing (files.h) and the configuration file (settings.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <locale.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "files.h"
#include "settings.h"
#include "util.h"

#define FFFD "\xef\xbf\xbd"

/* A fresh temporary directory, and its removal with whatever is left in it. */
static char *temp_dir(void)
{
	char *dir = xstrdup("/tmp/noron-unit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void remove_dir(char *dir)
{
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *f = str_printf("%s/%s", dir, e->d_name);
		unlink(f);
		free(f);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
}

static char *write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = str_printf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

/* Guards: clean text is valid UTF-8 without controls; tab always, newline only if multiline. */
static void test_text_is_clean(void **state)
{
	(void)state;
	assert_true(text_is_clean("", false));
	assert_true(text_is_clean("Æ Ø Å Þ Ð – 日本\t", false));
	assert_false(text_is_clean("a\nb", false));
	assert_true(text_is_clean("a\nb", true));
	static const char *const bad[] = {
		"\x1b[31m", "a\rb", "\x7f", "\xc2\x85", "\xc2\x9b", "\xe2\x80\xa8", "\x80",
		"\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
		"\xf8\x88\x80\x80\x80", "\xff",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(text_is_clean(bad[i], false));
		assert_false(text_is_clean(bad[i], true));
	}
}

/* Guards: ESC, C1 controls and invalid bytes become U+FFFD; newlines kept or made spaces. */
static void test_text_sanitize(void **state)
{
	(void)state;
	static const struct { const char *in; bool keep; const char *out; } cases[] = {
		{ "\x1b[2Jred", false, FFFD "[2Jred" },
		{ "a\xc2\x9b" "1m", false, "a" FFFD "1m" },
		{ "a\xffz", false, "a" FFFD "z" },
		{ "a\xc0\x80z", false, "a" FFFD FFFD "z" },
		{ "one\ntwo", true, "one\ntwo" },
		{ "one\ntwo", false, "one two" },
		{ "tab\there", true, "tab here" },
		{ "cr\r\n", true, "cr" FFFD "\n" },
		{ "Ægisdóttir 日本", false, "Ægisdóttir 日本" },
		{ "", false, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = text_sanitize(cases[i].in, cases[i].keep);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	char *empty = text_sanitize(NULL, false);
	assert_string_equal(empty, "");
	free(empty);
}

/* Guards: whatever bytes come in, the sanitized text is clean (fuzzed with random bytes). */
static void test_text_sanitize_always_clean(void **state)
{
	(void)state;
	srand(1234);
	for (int round = 0; round < 2000; round++) {
		unsigned char raw[24];
		size_t n = (size_t)(rand() % 23);
		for (size_t i = 0; i < n; i++)
			raw[i] = (unsigned char)(1 + rand() % 255);
		raw[n] = '\0';
		for (int keep = 0; keep < 2; keep++) {
			char *s = text_sanitize((const char *)raw, keep);
			assert_true(text_is_clean(s, keep));
			if (text_is_clean((const char *)raw, keep) && !strchr((const char *)raw, '\t'))
				assert_string_equal(s, (const char *)raw);
			free(s);
		}
	}
}

/* Guards: widths by columns: ASCII and Nordic letters 1 each, CJK 2, combining marks 0. */
static void test_text_width(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("ÆØÅÞÐ"), 5);
	assert_int_equal(text_width("æøåþðÄÖ"), 7);
	assert_int_equal(text_width("日本語"), 6);
	assert_int_equal(text_width("e\xcc\x81"), 1);
	assert_int_equal(text_width("Ægisdóttir"), 10);
}

/* Guards: text_fit cuts at the column limit with an ellipsis and pads when asked. */
static void test_text_fit_examples(void **state)
{
	(void)state;
	static const struct { const char *in; int cols; bool pad; const char *out; } cases[] = {
		{ "abcdef", 4, false, "abc…" },
		{ "abcdef", 6, false, "abcdef" },
		{ "abcdef", 6, true, "abcdef" },
		{ "ab", 5, true, "ab   " },
		{ "ab", 5, false, "ab" },
		{ "Ægisdóttir", 5, false, "Ægis…" },
		{ "日本語", 4, true, "日… " },
		{ "日本語", 5, false, "日本…" },
		{ "日本語", 6, false, "日本語" },
		{ "日本", 1, false, "…" },
		{ "abc", 0, true, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = text_fit(cases[i].in, cases[i].cols, cases[i].pad);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
}

/* Guards: for every width, the result fits, stays valid UTF-8 and is a prefix of the text. */
static void test_text_fit_never_splits(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"Landsbókasafn Íslands – Háskólabókasafn", "日本語のテキスト", "ÆØÅ日Þ本Ð", "plain",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		int full = text_width(texts[i]);
		for (int cols = 1; cols <= full + 2; cols++) {
			char *cut = text_fit(texts[i], cols, false);
			char *pad = text_fit(texts[i], cols, true);
			assert_true(text_is_clean(cut, false));
			assert_true(text_width(cut) <= cols);
			assert_int_equal(text_width(pad), cols);
			size_t n = strlen(cut);
			bool ellipsis = full > cols;
			if (ellipsis) {
				assert_true(n >= 3 && !strcmp(cut + n - 3, "…"));
				n -= 3;
				assert_true(text_width(cut) >= cols - 1);
			} else {
				assert_string_equal(cut, texts[i]);
			}
			assert_memory_equal(cut, texts[i], n);
			free(cut);
			free(pad);
		}
	}
}

/* Guards: a buf grows over many appends, takes exact lengths and resets when taken. */
static void test_buf_helpers(void **state)
{
	(void)state;
	struct buf b = { 0 };
	buf_add(&b, "abcdef", 3);
	buf_puts(&b, "-");
	buf_printf(&b, "%d/%s", 42, "x");
	assert_int_equal(b.len, strlen(b.s));
	assert_string_equal(b.s, "abc-42/x");
	for (int i = 0; i < 10000; i++)
		buf_puts(&b, "0123456789");
	assert_int_equal(b.len, 8 + 100000);
	assert_int_equal(strlen(b.s), b.len);
	char *s = buf_take(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_memory_equal(s, "abc-42/x0123", 12);
	free(s);
	char *e = buf_take(&b);
	assert_string_equal(e, "");
	free(e);
}

/* Guards: str_printf formats into a string of any length. */
static void test_str_printf(void **state)
{
	(void)state;
	char *s = str_printf("%s:%03d:%c", "area", 7, 'x');
	assert_string_equal(s, "area:007:x");
	free(s);
	char *big = str_printf("%5000s|", "");
	assert_int_equal(strlen(big), 5001);
	free(big);
	char *d = xstrdup(NULL);
	assert_string_equal(d, "");
	free(d);
}

/* Guards: err_set returns -1, replaces an earlier message and accepts a NULL err. */
static void test_err_set(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(err_set(&err, "first %d", 1), -1);
	assert_string_equal(err, "first 1");
	assert_int_equal(err_set(&err, "second %s", "two"), -1);
	assert_string_equal(err, "second two");
	assert_int_equal(err_set(NULL, "nobody %s", "reads"), -1);
	free(err);
}

/* Guards: now_utc is a stored UTC date-time. */
static void test_now_utc(void **state)
{
	(void)state;
	char *now = now_utc();
	assert_int_equal(strlen(now), 20);
	assert_int_equal(now[10], 'T');
	assert_int_equal(now[19], 'Z');
	free(now);
}

/* Guards: words become quoted prefix terms; quotes and punctuation-only words are dropped. */
static void test_search_query(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "web", "\"web\"*" },
		{ "web  archive", "\"web\"* \"archive\"*" },
		{ "say \"hi\"", "\"say\"* \"hi\"*" },
		{ "a\"b", "\"ab\"*" },
		{ "- web !!", "\"web\"*" },
		{ "ÆGIS", "\"ÆGIS\"*" },
		{ "OR\tNOT\nweb", "\"OR\"* \"NOT\"* \"web\"*" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *q = search_query(cases[i].in);
		assert_non_null(q);
		assert_string_equal(q, cases[i].out);
		free(q);
	}
	assert_null(search_query(""));
	assert_null(search_query("   "));
	assert_null(search_query("\"\" - !? ()"));
}

/* Guards: every query built from hostile text is valid FTS5 and still finds its words. */
static void test_search_query_is_valid_fts5(void **state)
{
	(void)state;
	static const char *const inputs[] = {
		"web AND", "NEAR(web", "web*", "^web", "text:x", "\"web", "web\"\"",
		"(web)", "web – archive", "web OR", "- + web", "web {x}",
	};
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE s USING fts5(text, "
				      "tokenize = 'unicode61'); INSERT INTO s VALUES "
				      "('near web and or not archive index text x');", NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char *q = search_query(inputs[i]);
		assert_non_null(q);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM s WHERE s MATCH ?",
						    -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			print_error("%s -> %s: %s\n", inputs[i], q, sqlite3_errmsg(db));
		assert_int_equal(rc, SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
		free(q);
	}
	sqlite3_close(db);
}

/* Guards: a commit replaces the target only then, and leaves no temporary file. */
static void test_atomic_commit(void **state)
{
	(void)state;
	char *dir = temp_dir(), *err = NULL;
	char *path = write_file(dir, "out.json", "old", 0644);
	struct atomic_file af;
	assert_int_equal(atomic_open(&af, path, &err), 0);
	fputs("new contents", af.fp);
	fflush(af.fp);
	size_t len;
	char *before = file_read_all(path, 100, &len, &err);
	assert_string_equal(before, "old");
	assert_int_equal(count_entries(dir), 2);
	assert_int_equal(atomic_commit(&af, &err), 0);
	char *after = file_read_all(path, 100, &len, &err);
	assert_string_equal(after, "new contents");
	assert_int_equal(len, strlen("new contents"));
	assert_int_equal(count_entries(dir), 1);
	free(before);
	free(after);
	free(path);
	remove_dir(dir);
}

/* Guards: an abort keeps the target as it was and removes the temporary file. */
static void test_atomic_abort(void **state)
{
	(void)state;
	char *dir = temp_dir(), *err = NULL;
	char *path = write_file(dir, "out.json", "old", 0644);
	struct atomic_file af;
	assert_int_equal(atomic_open(&af, path, &err), 0);
	fputs("half written", af.fp);
	atomic_abort(&af);
	size_t len;
	char *text = file_read_all(path, 100, &len, &err);
	assert_string_equal(text, "old");
	assert_int_equal(count_entries(dir), 1);
	free(text);
	char *missing = str_printf("%s/no/such/dir/out", dir);
	assert_int_equal(atomic_open(&af, missing, &err), -1);
	assert_non_null(strstr(err, missing));
	free(missing);
	free(err);
	free(path);
	remove_dir(dir);
}

/* Guards: file_read_all reads every byte up to the cap and refuses a larger or missing file. */
static void test_file_read_all(void **state)
{
	(void)state;
	char *dir = temp_dir(), *err = NULL;
	char *path = write_file(dir, "f", "0123456789", 0644);
	size_t len = 0;
	char *all = file_read_all(path, 10, &len, &err);
	assert_non_null(all);
	assert_int_equal(len, 10);
	assert_string_equal(all, "0123456789");
	free(all);
	char *missing = str_printf("%s/missing", dir);
	assert_null(file_read_all(missing, 10, &len, &err));
	assert_non_null(strstr(err, missing));
	free(missing);
	assert_null(file_read_all(path, 9, &len, &err));
	bool named = strstr(err, path), claims_512 = strstr(err, "512 MB");
	if (claims_512)
		print_error("cap 9 bytes: %s\n", err);
	free(err);
	free(path);
	remove_dir(dir);
	assert_true(named);
	assert_false(claims_512);	/* the message must not claim a limit the caller did not set */
}

/* Guards: text_line_of counts lines from 1 up to the given position. */
static void test_text_line_of(void **state)
{
	(void)state;
	static const char t[32] = "one\ntwo\n\nfour";
	assert_int_equal(text_line_of(t, t), 1);
	assert_int_equal(text_line_of(t, t + 3), 1);
	assert_int_equal(text_line_of(t, t + 4), 2);
	assert_int_equal(text_line_of(t, strstr(t, "four")), 4);
	assert_int_equal(text_line_of(t, t + sizeof t - 1), 4);	/* past the end: stops at NUL */
}

/* Guards: every key is read, spaces and comments skipped, auto_sync as a number. */
static void test_config_keys(void **state)
{
	(void)state;
	char *dir = temp_dir(), *err = NULL;
	char *path = write_file(dir, "config", "# noron\nurl = https://couch.example.org/noron\n"
		"user=anna\n  institution =  kb-se  \npassword_command = pass show noron\n"
		"editor = vim -n\nca_file = /etc/ca.pem\nauto_sync = 300\nallow_http = yes\n", 0644);
	struct config cfg;
	assert_int_equal(config_load(&cfg, path, &err), 0);
	assert_string_equal(cfg.path, path);
	assert_string_equal(cfg.url, "https://couch.example.org/noron");
	assert_string_equal(cfg.user, "anna");
	assert_string_equal(cfg.institution, "kb-se");
	assert_string_equal(cfg.password_command, "pass show noron");
	assert_string_equal(cfg.editor, "vim -n");
	assert_string_equal(cfg.ca_file, "/etc/ca.pem");
	assert_null(cfg.password);
	assert_int_equal(cfg.auto_sync, 300);
	assert_true(cfg.allow_http);
	char *author = config_author(&cfg);
	assert_string_equal(author, "anna@kb-se");
	free(author);
	config_free(&cfg);
	assert_null(cfg.url);
	free(err);
	free(path);
	remove_dir(dir);
}

/* Loads text as a config; returns config_load's result with *err set. */
static int load_text(const char *text, mode_t mode, char **err)
{
	char *dir = temp_dir();
	char *path = write_file(dir, "config", text, mode);
	struct config cfg;
	int rc = config_load(&cfg, path, err);
	config_free(&cfg);
	free(path);
	remove_dir(dir);
	return rc;
}

/* Guards: an unknown key is refused with its name and line number. */
static void test_config_unknown_key(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(load_text("url = x\n# comment\ncolour = blue\n", 0600, &err), -1);
	assert_non_null(strstr(err, "colour"));
	assert_non_null(strstr(err, "line 3"));
	assert_int_equal(load_text("url = x\nno equals sign\n", 0600, &err), -1);
	assert_non_null(strstr(err, "line 2"));
	free(err);
}

/* Guards: the line number counts blank lines too (the line an editor shows). */
static void test_config_line_after_blank_lines(void **state)
{
	(void)state;
	char *err = NULL;
	int rc = load_text("url = x\n\n\ncolour = blue\n", 0600, &err);
	bool line4 = err && strstr(err, "line 4");
	if (!line4)
		print_error("%s\n", err);
	free(err);
	assert_int_equal(rc, -1);
	assert_true(line4);
}

/* Guards: auto_sync must be whole seconds in range; allow_http yes or no. */
static void test_config_bad_values(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"auto_sync = abc\n", "auto_sync = -1\n", "auto_sync = 10s\n", "auto_sync = 86401\n",
		"auto_sync = 1.5\n", "allow_http = maybe\n", "allow_http = 1\n",
	};
	char *err = NULL;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(load_text(bad[i], 0600, &err), -1);
		assert_non_null(strstr(err, "line 1"));
	}
	assert_int_equal(load_text("auto_sync = 86400\nallow_http = no\n", 0600, &err), 0);
	free(err);
}

/* Guards: a password in a file others can read is refused; mode 0600 is accepted. */
static void test_config_password_mode(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(load_text("password = secret\n", 0644, &err), -1);
	assert_non_null(strstr(err, "600"));
	assert_null(strstr(err, "secret"));
	assert_int_equal(load_text("password = secret\n", 0640, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(load_text("password = secret\n", 0600, &err), 0);
	assert_null(err);
	assert_int_equal(load_text("password_command = pass noron\n", 0644, &err), 0);
}

/* Guards: a password inside the url (user:password@) counts as a password in
 * the file, with the same message; a user name alone does not. */
static void test_config_url_password_mode(void **state)
{
	(void)state;
	static const char *const with[] = {
		"url = https://anna:secret@couch.example.org/noron\n",
		"url = http://anna:p@ss@127.0.0.1:5984/noron\n",
		"url = https://anna:secret@couch.example.org\n",
	};
	for (size_t i = 0; i < sizeof with / sizeof *with; i++) {
		char *err = NULL;
		assert_int_equal(load_text(with[i], 0644, &err), -1);
		assert_non_null(strstr(err, "holds a password but others can read it"));
		assert_non_null(strstr(err, "chmod 600"));
		assert_null(strstr(err, "secret"));
		free(err);
		err = NULL;
		assert_int_equal(load_text(with[i], 0604, &err), -1);
		free(err);
		err = NULL;
		assert_int_equal(load_text(with[i], 0600, &err), 0);
		assert_null(err);
	}
	static const char *const without[] = {
		"url = https://couch.example.org/noron\n",
		"url = https://anna@couch.example.org/noron\n",
		"url = https://anna:@couch.example.org/noron\n",
		"url = https://couch.example.org/db/a:b@c\n",
	};
	for (size_t i = 0; i < sizeof without / sizeof *without; i++) {
		char *err = NULL;
		if (load_text(without[i], 0644, &err))
			fail_msg("%s refused: %s", without[i], err);
	}
}

/* Guards: a missing file is an empty config, and NORON_CONFIG is read when no path is given. */
static void test_config_missing_and_env(void **state)
{
	(void)state;
	char *dir = temp_dir(), *err = NULL;
	char *missing = str_printf("%s/none", dir);
	struct config cfg;
	assert_int_equal(config_load(&cfg, missing, &err), 0);
	assert_null(cfg.path);
	assert_null(cfg.url);
	assert_int_equal(cfg.auto_sync, 0);
	assert_false(cfg.allow_http);
	config_free(&cfg);
	char *path = write_file(dir, "env-config", "user = bo\n", 0600);
	setenv("NORON_CONFIG", path, 1);
	assert_int_equal(config_load(&cfg, NULL, &err), 0);
	unsetenv("NORON_CONFIG");
	assert_string_equal(cfg.user, "bo");
	config_free(&cfg);
	assert_null(err);
	free(missing);
	free(path);
	remove_dir(dir);
}

/* Guards: the author is user@institution, the user from $USER when the config has none. */
static void test_config_author(void **state)
{
	(void)state;
	struct config cfg = { .user = "anna" };
	char *a = config_author(&cfg);
	assert_string_equal(a, "anna");
	free(a);
	cfg.user = NULL;
	cfg.institution = "nb-no";
	char *saved = getenv("USER") ? xstrdup(getenv("USER")) : NULL;
	setenv("USER", "olav", 1);
	a = config_author(&cfg);
	assert_string_equal(a, "olav@nb-no");
	free(a);
	unsetenv("USER");
	a = config_author(&cfg);
	assert_non_null(strstr(a, "@nb-no"));
	assert_true(strlen(a) > strlen("@nb-no"));
	free(a);
	if (saved)
		setenv("USER", saved, 1);
	free(saved);
}

/* Guards: the default cache is $NORON_DB, else under $XDG_DATA_HOME. */
static void test_config_default_db(void **state)
{
	(void)state;
	setenv("NORON_DB", "/tmp/x/cache.db", 1);
	char *a = config_default_db();
	assert_string_equal(a, "/tmp/x/cache.db");
	free(a);
	unsetenv("NORON_DB");
	setenv("XDG_DATA_HOME", "/tmp/xdg", 1);
	a = config_default_db();
	assert_string_equal(a, "/tmp/xdg/noron/cache.db");
	free(a);
	unsetenv("XDG_DATA_HOME");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_is_clean),
		cmocka_unit_test(test_text_sanitize),
		cmocka_unit_test(test_text_sanitize_always_clean),
		cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_text_fit_examples),
		cmocka_unit_test(test_text_fit_never_splits),
		cmocka_unit_test(test_buf_helpers),
		cmocka_unit_test(test_str_printf),
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_now_utc),
		cmocka_unit_test(test_search_query),
		cmocka_unit_test(test_search_query_is_valid_fts5),
		cmocka_unit_test(test_atomic_commit),
		cmocka_unit_test(test_atomic_abort),
		cmocka_unit_test(test_file_read_all),
		cmocka_unit_test(test_text_line_of),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_unknown_key),
		cmocka_unit_test(test_config_line_after_blank_lines),
		cmocka_unit_test(test_config_bad_values),
		cmocka_unit_test(test_config_password_mode),
		cmocka_unit_test(test_config_url_password_mode),
		cmocka_unit_test(test_config_missing_and_env),
		cmocka_unit_test(test_config_author),
		cmocka_unit_test(test_config_default_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

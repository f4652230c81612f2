/*
 * The transport's pure rules (net/http.h): which hosts count as this
 * machine for plain http, which URLs are accepted, how credentials are
 * taken out of a URL for messages, and how ids are escaped for a path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "util.h"

/* Guards: plain http to this machine is allowed for loopback addresses and
 * "localhost" only, never for a host name that starts with "127.". */
static void test_loopback_hosts(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "127.255.255.254", "::1",
		"[::1]", "0:0:0:0:0:0:0:1", "[0:0:0:0:0:0:0:1]",
	};
	static const char *const no[] = {
		"127.attacker.example", "127.0.0.1.nip.io", "127.", "127", "127.0.0.1x",
		"localhost.example.org", "mylocalhost", "128.0.0.1", "10.0.0.1", "1.127.0.0",
		"::2", "[::2]", "[::1", "::1]", "[[::1]]", "::", "", "example.org", "[127.0.0.1]",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!http_host_loopback(yes[i]))
			fail_msg("%s should count as this machine", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (http_host_loopback(no[i]))
			fail_msg("'%s' should not count as this machine", no[i]);
}

/* Expects url to be refused (allow_http as given) with a message holding
 * want and without secret. */
static void refused(const char *url, bool allow_http, const char *want, const char *secret)
{
	char *err = NULL;
	char *host = http_checked_host(url, allow_http, &err);
	if (host)
		fail_msg("%s accepted (host %s)", url, host);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("%s: message '%s' lacks '%s'", url, err, want);
	if (secret && strstr(err, secret))
		fail_msg("%s: message '%s' shows the password", url, err);
	free(err);
}

static void accepted(const char *url, bool allow_http, const char *want_host)
{
	char *err = NULL;
	char *host = http_checked_host(url, allow_http, &err);
	if (!host)
		fail_msg("%s refused: %s", url, err ? err : "(no message)");
	assert_string_equal(host, want_host);
	assert_null(err);
	free(host);
}

/* Guards: https anywhere; http to loopback, or anywhere with allow_http;
 * no other scheme; the password never in the message. */
static void test_checked_urls(void **state)
{
	(void)state;
	refused("http://u:pw-secret@127.attacker.example/db", false, "plain http", "pw-secret");
	refused("http://u:pw-secret@127.0.0.1.nip.io:5984/db", false, "plain http", "pw-secret");
	refused("http://couch.example.org/db", false, "allow_http", NULL);
	refused("ftp://127.0.0.1/db", true, "only https", NULL);
	refused("file:///etc/passwd", true, "not a URL", NULL);
	refused("not a url at all", true, "not a URL", NULL);
	accepted("http://127.0.0.1:5984/db", false, "127.0.0.1");
	accepted("http://u:pw@127.9.9.9/db", false, "127.9.9.9");
	accepted("http://localhost:5984/db", false, "localhost");
	accepted("http://[::1]:5984/db", false, "[::1]");
	accepted("https://127.attacker.example/db", false, "127.attacker.example");
	accepted("https://couch.example.org/noron", false, "couch.example.org");
	accepted("http://couch.example.org/db", true, "couch.example.org");
}

static void redacts(const char *url, const char *want)
{
	char *got = url_redact(url);
	if (strcmp(got, want))
		fail_msg("url_redact(%s) = %s, want %s", url, got, want);
	free(got);
}

/* Guards: every byte of user:password goes, also when the password holds
 * an '@' (the last '@' before the path ends it); an '@' in the path stays. */
static void test_redact(void **state)
{
	(void)state;
	redacts("https://couch.example.org/noron", "https://couch.example.org/noron");
	redacts("https://u:pw@couch.example.org/noron", "https://couch.example.org/noron");
	redacts("http://u:p@ssXYZ@host/db", "http://host/db");
	redacts("http://u:p@ss@XYZ@host:5984/db", "http://host:5984/db");
	redacts("http://u@host/db", "http://host/db");
	redacts("http://u:pw@host", "http://host");
	redacts("http://host/db/a@b", "http://host/db/a@b");
	redacts("http://u:pw@host/db/a@b", "http://host/db/a@b");
	redacts("u:pw@host/db", "host/db");
	redacts("", "");
}

/* Guards: ids are escaped for a URL path ("b/2" must be "b%2F2"). */
static void test_escape(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "area:storage", "area:storage" },
		{ "b/2", "b%2F2" },
		{ "a b?c#d&e", "a%20b%3Fc%23d%26e" },
		{ "~-._", "~-._" },
		{ "\xc3\xa5", "%C3%A5" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = url_escape(cases[i][0]);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_hosts),
		cmocka_unit_test(test_checked_urls),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Allocation, error and text helpers (see util.h).
 */
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

static void out_of_memory(void)
{
	fputs("noron: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		out_of_memory();
	return d;
}

char *str_vprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	return s;
}

char *str_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = str_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

int err_set(char **err, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *s = str_vprintf(fmt, ap);
	va_end(ap);
	free(*err);
	*err = s;
	return -1;
}

char *now_utc(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char s[32];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(s);
}

void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = str_vprintf(fmt, ap);
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

char *buf_take(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

/* Decodes one UTF-8 character; returns its length, or 0 if invalid. */
static int utf8_decode(const unsigned char *s, wchar_t *out)
{
	unsigned c = s[0];
	int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
		: (c & 0xF8) == 0xF0 ? 4 : 0;
	if (!n)
		return 0;
	unsigned v = n == 1 ? c : c & (0x3F >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*out = (wchar_t)v;
	return n;
}

char *text_digest(const char *s)
{
	uint64_t h[2] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };
	for (int i = 0; i < 2; i++)
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			h[i] = (h[i] ^ *p) * 0x100000001b3ULL;
	return str_printf("%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

int text_char(const char *s, wchar_t *c)
{
	return utf8_decode((const unsigned char *)s, c);
}

/* Lower case; Latin-1's capitals (Æ Ø Å Ä Ö Þ Ð ...) whatever the locale. */
static wchar_t fold_case(wchar_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
		return c + 0x20;
	return (wchar_t)towlower((wint_t)c);
}

bool text_same_fold(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	while (*p && *q) {
		wchar_t x, y;
		int n = utf8_decode(p, &x), m = utf8_decode(q, &y);
		if (!n || !m) {		/* invalid bytes match themselves only */
			n = m = 1;
			x = *p, y = *q;
		}
		if (fold_case(x) != fold_case(y))
			return false;
		p += n, q += m;
	}
	return !*p && !*q;
}

static bool is_control(wchar_t c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029;
}

bool text_is_clean(const char *s, bool multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		wchar_t c;
		int n = utf8_decode(p, &c);
		if (!n)
			return false;
		if (is_control(c) && c != '\t' && !(multiline && c == '\n'))
			return false;
		p += n;
	}
	return true;
}

char *text_sanitize(const char *s, bool keep_newlines)
{
	struct buf b = { 0 };
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		wchar_t c;
		int n = utf8_decode(p, &c);
		if (n && c == '\n' && keep_newlines)
			buf_add(&b, "\n", 1);
		else if (n && (c == '\n' || c == '\t'))
			buf_add(&b, " ", 1);
		else if (!n || is_control(c))
			buf_puts(&b, "\xEF\xBF\xBD");
		else
			buf_add(&b, (const char *)p, (size_t)n);
		p += n ? n : 1;
	}
	return buf_take(&b);
}

static int char_width(wchar_t c)
{
	int w = wcwidth(c);
	if (w >= 0)
		return w;
	return c >= 0x1100 ? 2 : 1;	/* unknown to the locale: assume narrow */
}

int text_width(const char *s)
{
	int w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		wchar_t c;
		int n = utf8_decode(p, &c);
		w += n ? char_width(c) : 1;
		p += n ? n : 1;
	}
	return w;
}

char *text_fit(const char *s, int cols, bool pad)
{
	struct buf b = { 0 };
	bool cut = text_width(s) > cols;
	int room = cut ? cols - 1 : cols, w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		wchar_t c;
		int n = utf8_decode(p, &c);
		int cw = n ? char_width(c) : 1;
		if (w + cw > room)
			break;
		buf_add(&b, (const char *)p, n ? (size_t)n : 1);
		w += cw;
		p += n ? n : 1;
	}
	if (cut && cols > 0) {
		buf_puts(&b, "\xE2\x80\xA6");
		w++;
	}
	while (pad && w++ < cols)
		buf_add(&b, " ", 1);
	return buf_take(&b);
}

/* Length in bytes of the longest prefix of s (up to a newline) that fits in
 * cols columns, broken at the last space if there is one. */
static size_t wrap_point(const char *s, int cols, size_t *skip)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t last_space = 0, i = 0;
	int w = 0;
	*skip = 0;
	while (p[i] && p[i] != '\n') {
		wchar_t c;
		int n = utf8_decode(p + i, &c);
		int cw = n ? char_width(c) : 1;
		if (w + cw > cols && i > 0) {
			if (last_space) {
				*skip = 1;
				return last_space;
			}
			return i;
		}
		if (p[i] == ' ')
			last_space = i;
		w += cw;
		i += n ? (size_t)n : 1;
	}
	*skip = p[i] == '\n';
	return i;
}

char **text_wrap(const char *s, int cols, int *n)
{
	char **lines = NULL;
	*n = 0;
	if (cols < 1)
		cols = 1;
	do {
		size_t skip, len = wrap_point(s, cols, &skip);
		lines = xrealloc(lines, (size_t)(*n + 1) * sizeof *lines);
		lines[(*n)++] = str_printf("%.*s", (int)len, s);
		s += len + skip;
	} while (*s);
	return lines;
}

char *json_safe(const char *json)
{
	struct buf b = { 0 };
	const unsigned char *p = (const unsigned char *)json;
	for (; *p; p++) {
		if (*p == 0x7F)
			buf_puts(&b, "\\u007f");
		else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			buf_printf(&b, "\\u%04x", *++p);
		else
			buf_add(&b, (const char *)p, 1);
	}
	return buf_take(&b);
}

/* The authority is what follows "//" up to the first '/'; its userinfo ends
 * at the last '@' in it, since an '@' typed into a password may come first. */
const char *url_userinfo(const char *url, size_t *len)
{
	const char *scheme = strstr(url, "://");
	const char *start = scheme ? scheme + 3 : url;
	size_t authority = strcspn(start, "/");
	const char *at = NULL;
	for (const char *p = start; p < start + authority; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return NULL;
	*len = (size_t)(at - start);
	return start;
}

/*
 * Small helpers shared by every layer: error messages, allocated strings,
 * UTC timestamps and text that is safe to show on a terminal.
 */
#ifndef NORON_UTIL_H
#define NORON_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)

#endif

/* An allocated, formatted string; aborts only when memory is exhausted. */
char *str_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *str_vprintf(const char *fmt, va_list ap);
char *xstrdup(const char *s);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

/* Sets *err (when err is not NULL) to a new message, freeing an older one; returns -1. */
int err_set(char **err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* The current time in UTC as "YYYY-MM-DDTHH:MM:SSZ" (an allocated string). */
char *now_utc(void);

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
char *buf_take(struct buf *b);

/* 32 hex digits from two FNV-1a hashes of s, with different offset bases:
 * 128 bits, the same in every cache, for ids that follow from outside keys. */
char *text_digest(const char *s);

/* Decodes the UTF-8 character s starts with into *c; returns its length in
 * bytes, or 0 when it is invalid. */
int text_char(const char *s, wchar_t *c);

/* True when a and b are the same text but for letter case. */
bool text_same_fold(const char *a, const char *b);

/* True when s is valid UTF-8 without control characters (tab and, if
 * multiline, newline allowed). */
bool text_is_clean(const char *s, bool multiline);

/* A copy of untrusted text safe for a terminal: control characters, escape
 * sequences and invalid UTF-8 become U+FFFD; newlines become spaces unless
 * keep_newlines. */
char *text_sanitize(const char *s, bool keep_newlines);

/* Display columns of UTF-8 text (wcwidth per character). */
int text_width(const char *s);

/* A copy of s cut to at most cols display columns (an ellipsis marks a cut)
 * and, when pad, filled with spaces to exactly cols. */
char *text_fit(const char *s, int cols, bool pad);

/* JSON text with DEL and the C1 controls written as \\u escapes, so that
 * printing it cannot drive a terminal (cJSON escapes only C0). */
char *json_safe(const char *json);

/* Splits text into lines of at most cols display columns, breaking at spaces
 * where it can and at newlines always. Returns n lines (free each, then the
 * array). */
char **text_wrap(const char *s, int cols, int *n);

/* The user:password part of a URL (before the last '@' of the host part),
 * *len bytes from the pointer returned; NULL when the URL has none. */
const char *url_userinfo(const char *url, size_t *len);

#endif

/* cookies.c: the Cookie request header (RFC 6265 section 4.2). Values are
 * taken as sent: citkit's own cookies are base64url tokens. */
#include "parse.h"

#include <string.h>

#include "../base/errors.h"

enum { COOKIE_MAX_PAIRS = 64, COOKIE_MAX_NAME = 128, COOKIE_MAX_VALUE = 4096 };

static bool is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static bool is_value_char(unsigned char c)
{
	/* cookie-octet, plus space and comma that real browsers let through
	 * inside values written by other software on the same host. */
	return c >= 0x20 && c < 0x7f && c != '"' && c != ';' && c != '\\';
}

static void trim(const char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

static int add_cookie(arena *a, const char *p, size_t n, kv *out)
{
	const char *eq = memchr(p, '=', n);
	if (!eq)
		return 0;
	const char *name = p, *value = eq + 1;
	size_t name_n = (size_t)(eq - p), value_n = n - name_n - 1;
	trim(&name, &name_n);
	trim(&value, &value_n);
	if (value_n >= 2 && value[0] == '"' && value[value_n - 1] == '"') {
		value++;
		value_n -= 2;
	}
	if (name_n == 0 || name_n > COOKIE_MAX_NAME || value_n > COOKIE_MAX_VALUE)
		return CK_E_MALFORMED;
	for (size_t i = 0; i < name_n; i++)
		if (!is_token_char((unsigned char)name[i]))
			return CK_E_MALFORMED;
	for (size_t i = 0; i < value_n; i++)
		if (!is_value_char((unsigned char)value[i]))
			return CK_E_MALFORMED;
	if (out->len >= COOKIE_MAX_PAIRS)
		return CK_E_TOO_LARGE;
	kv_add(out, arena_strndup(a, name, name_n), arena_strndup(a, value, value_n), value_n);
	return 0;
}

int parse_cookies(arena *a, const char *text, size_t len, kv *out)
{
	kv_init(out, a);
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != ';')
			continue;
		if (i > start) {
			int rc = add_cookie(a, text + start, i - start, out);
			if (rc)
				return rc;
		}
		start = i + 1;
	}
	return 0;
}

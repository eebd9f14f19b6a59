/* forms.c: percent-decoding and application/x-www-form-urlencoded bodies
 * (the WHATWG form encoding: '&'-separated pairs, '+' for space). */
#include "parse.h"

#include <string.h>

#include "../base/errors.h"
#include "../base/validate.h"

const parse_limits parse_form_limits = {
    .max_fields = 1000,
    .max_name = 128,
    .max_value = 1 << 20,
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_percent_decode(arena *a, const char *s, size_t n, bool plus_is_space, char **out,
                         size_t *out_len)
{
	/* Decoding never grows the text, so n + 1 bytes always suffice. */
	char *d = arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (n - i < 3)
				return CK_E_MALFORMED;
			int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return CK_E_MALFORMED;
			d[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '\0') {
			return CK_E_MALFORMED;
		} else {
			d[j++] = plus_is_space && c == '+' ? ' ' : c;
		}
	}
	d[j] = '\0';
	if (!validate_utf8(d, j))
		return CK_E_MALFORMED;
	*out = d;
	if (out_len)
		*out_len = j;
	return 0;
}

/* One "name=value" pair (value may be absent). */
static int add_pair(arena *a, const char *p, size_t n, const parse_limits *lim, kv *out)
{
	const char *eq = memchr(p, '=', n);
	size_t name_n = eq ? (size_t)(eq - p) : n;
	const char *v = eq ? eq + 1 : p + n;
	size_t v_n = eq ? n - name_n - 1 : 0;
	/* Encoded lengths bound the decoded ones from above; checking the
	 * decoded lengths is what the limit means. */
	char *name, *value;
	size_t name_len, value_len;
	int rc = parse_percent_decode(a, p, name_n, true, &name, &name_len);
	if (rc)
		return rc;
	rc = parse_percent_decode(a, v, v_n, true, &value, &value_len);
	if (rc)
		return rc;
	if (name_len == 0)
		return CK_E_MALFORMED;
	if (name_len > lim->max_name || value_len > lim->max_value)
		return CK_E_TOO_LARGE;
	if (out->len >= lim->max_fields)
		return CK_E_TOO_LARGE;
	kv_add(out, name, value, value_len);
	return 0;
}

int parse_urlencoded(arena *a, const char *data, size_t len, const parse_limits *lim, kv *out)
{
	kv_init(out, a);
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && data[i] != '&')
			continue;
		if (i > start) {
			int rc = add_pair(a, data + start, i - start, lim, out);
			if (rc)
				return rc;
		}
		start = i + 1;
	}
	return 0;
}

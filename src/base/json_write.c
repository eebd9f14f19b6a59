/* json_write.c: compact JSON out of a jansson tree. */
#include "json_write.h"

#include "clock.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Bytes that need an escape: ", \ and everything below 0x20. */
static inline bool needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

void json_write_string(buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;
	buf_putc(b, '"');
	for (; p < end; p++) {
		if (!needs_escape(*p))
			continue;
		buf_append(b, run, (size_t)(p - run));
		switch (*p) {
		case '"': buf_append(b, "\\\"", 2); break;
		case '\\': buf_append(b, "\\\\", 2); break;
		case '\n': buf_append(b, "\\n", 2); break;
		case '\r': buf_append(b, "\\r", 2); break;
		case '\t': buf_append(b, "\\t", 2); break;
		default: {
			char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			buf_append(b, esc, 6);
		}
		}
		run = p + 1;
	}
	buf_append(b, run, (size_t)(p - run));
	buf_putc(b, '"');
}

static void write_real(buf *b, double v)
{
	char num[32];
	int n = snprintf(num, sizeof num, "%.17g", v);
	buf_append(b, num, (size_t)n);
	/* Keep it a real for readers that tell 1 from 1.0. */
	if (!strpbrk(num, ".eE"))
		buf_append(b, ".0", 2);
}

void json_write(buf *b, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *item;
		bool first = true;
		buf_putc(b, '{');
		json_object_foreach((json_t *)v, key, item) {
			if (!first)
				buf_putc(b, ',');
			first = false;
			json_write_string(b, key, strlen(key));
			buf_putc(b, ':');
			json_write(b, item);
		}
		buf_putc(b, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		buf_putc(b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_putc(b, ',');
			json_write(b, json_array_get(v, i));
		}
		buf_putc(b, ']');
		break;
	}
	case JSON_STRING:
		json_write_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		write_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_append(b, "true", 4);
		break;
	case JSON_FALSE:
		buf_append(b, "false", 5);
		break;
	case JSON_NULL:
		buf_append(b, "null", 4);
		break;
	}
}

void json_out_init(json_out *o, buf *b)
{
	*o = (json_out){.b = b};
}

/* Before any value: the comma after a sibling, nothing after a key. */
static void value_begins(json_out *o)
{
	if (o->after_key) {
		o->after_key = false;
		return;
	}
	if (o->has_items[o->depth])
		buf_putc(o->b, ',');
	o->has_items[o->depth] = true;
}

static void open_nested(json_out *o, char open, char close)
{
	value_begins(o);
	buf_putc(o->b, open);
	assert(o->depth + 1 < JSON_OUT_DEPTH);
	o->depth++;
	o->closer[o->depth] = close;
	o->has_items[o->depth] = false;
}

void json_out_object(json_out *o)
{
	open_nested(o, '{', '}');
}

void json_out_array(json_out *o)
{
	open_nested(o, '[', ']');
}

void json_out_end(json_out *o)
{
	assert(o->depth > 0);
	buf_putc(o->b, o->closer[o->depth--]);
}

void json_out_key(json_out *o, const char *key)
{
	value_begins(o);
	json_write_string(o->b, key, strlen(key));
	buf_putc(o->b, ':');
	o->after_key = true;
}

void json_out_string(json_out *o, const char *s)
{
	value_begins(o);
	if (s)
		json_write_string(o->b, s, strlen(s));
	else
		buf_append(o->b, "null", 4);
}

void json_out_int(json_out *o, int64_t v)
{
	/* Digits from the right, without printf: ids fill every list. */
	char digits[24];
	size_t i = sizeof digits;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		digits[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--i] = '-';
	value_begins(o);
	buf_append(o->b, digits + i, sizeof digits - i);
}

void json_out_bool(json_out *o, bool v)
{
	value_begins(o);
	if (v)
		buf_append(o->b, "true", 4);
	else
		buf_append(o->b, "false", 5);
}

void json_out_null(json_out *o)
{
	value_begins(o);
	buf_append(o->b, "null", 4);
}

void json_out_time(json_out *o, int64_t t)
{
	if (!t) {
		json_out_null(o);
		return;
	}
	char iso[CLOCK_RFC3339_LEN];
	clock_rfc3339(t, iso);
	json_out_string(o, iso);
}

void json_out_value(json_out *o, const json_t *v)
{
	value_begins(o);
	json_write(o->b, v);
}

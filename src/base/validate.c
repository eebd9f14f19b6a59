/* validate.c: one function checks a form or JSON body against its field
 * specs and reports every problem at once. */
#include "validate.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "errors.h"

void field_errors_add(field_errors *errs, const char *field, const char *message)
{
	if (errs->len < VALIDATE_MAX_ERRORS)
		errs->items[errs->len++] = (field_error){field, message};
}

bool validate_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned char c = *p;
		size_t n;
		unsigned cp;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

/* Characters, not bytes: what a person counts. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *trim(arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

static bool has_control(const char *s, bool allow_newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))
			continue;
		if (*p < 0x20 || *p == 0x7F)
			return true;
	}
	return false;
}

static bool in_choices(const char *const *choices, const char *v)
{
	for (size_t i = 0; choices && choices[i]; i++)
		if (!strcmp(choices[i], v))
			return true;
	return false;
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !at[1])
		return false;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return false;
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	return true;
}

static int check_text(arena *a, const field_spec *f, const char *raw, field_value *v,
		      field_errors *errs)
{
	const char *name = f->name;
	bool multiline = f->type == FIELD_MULTILINE;
	const char *t = multiline ? arena_strdup(a, raw) : trim(a, raw);
	if (!validate_utf8(t, strlen(t))) {
		field_errors_add(errs, name, "is not valid UTF-8 text");
		return -1;
	}
	if (has_control(t, multiline)) {
		field_errors_add(errs, name, "contains control characters");
		return -1;
	}
	size_t chars = utf8_chars(t);
	if (f->min > 0 && chars < (size_t)f->min) {
		field_errors_add(errs, name, arena_printf(a, "must be at least %lld characters", (long long)f->min));
		return -1;
	}
	if (f->max > 0 && chars > (size_t)f->max) {
		field_errors_add(errs, name, arena_printf(a, "must be at most %lld characters", (long long)f->max));
		return -1;
	}
	v->text = t;
	return 0;
}

static int check_one(arena *a, const kv *in, const field_spec *f, field_value *v,
		     field_errors *errs)
{
	const char *name = f->name;
	const char *raw = kv_get(in, name);
	bool blank = !raw || !*trim(a, raw);

	if (f->type == FIELD_BOOL) {
		v->present = raw != NULL;
		if (!raw)
			return 0;
		const char *t = trim(a, raw);
		if (!strcmp(t, "1") || !strcmp(t, "true") || !strcmp(t, "on") || !strcmp(t, "yes"))
			v->number = 1;
		else if (!*t || !strcmp(t, "0") || !strcmp(t, "false") || !strcmp(t, "off") || !strcmp(t, "no"))
			v->number = 0;
		else
			field_errors_add(errs, name, "must be true or false");
		return 0;
	}
	if (blank && f->type != FIELD_ENUM_LIST) {
		if (f->required)
			field_errors_add(errs, name, "is required");
		return 0;
	}

	switch (f->type) {
	case FIELD_TEXT:
	case FIELD_MULTILINE:
		if (check_text(a, f, raw, v, errs) == 0)
			v->present = true;
		break;
	case FIELD_EMAIL: {
		if (check_text(a, f, raw, v, errs) != 0)
			break;
		char *lower = arena_strdup(a, v->text);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!email_ok(lower)) {
			field_errors_add(errs, name, "must be an email address like name@example.org");
			v->text = NULL;
			break;
		}
		v->text = lower;
		v->present = true;
		break;
	}
	case FIELD_INT: {
		const char *t = trim(a, raw);
		char *end;
		errno = 0;
		long long n = strtoll(t, &end, 10);
		if (errno || *end || end == t) {
			field_errors_add(errs, name, "must be a whole number");
			break;
		}
		if ((f->min || f->max) && (n < f->min || n > f->max)) {
			field_errors_add(errs, name, arena_printf(a, "must be between %lld and %lld",
								  (long long)f->min, (long long)f->max));
			break;
		}
		v->number = n;
		v->present = true;
		break;
	}
	case FIELD_ENUM: {
		const char *t = trim(a, raw);
		if (!in_choices(f->choices, t)) {
			field_errors_add(errs, name, "is not one of the allowed choices");
			break;
		}
		v->text = t;
		v->present = true;
		break;
	}
	case FIELD_ENUM_LIST: {
		size_t count;
		const char **all = kv_get_all(in, name, &count);
		const char **list = arena_array(a, 64 + 1, sizeof *list);
		size_t n = 0;
		bool bad = false;
		for (size_t i = 0; i < count; i++) {
			const char *p = all[i];
			while (*p) {
				size_t len = strcspn(p, ",");
				const char *item = trim(a, arena_strndup(a, p, len));
				p += len + (p[len] == ',');
				if (!*item)
					continue;
				if (!in_choices(f->choices, item)) {
					bad = true;
					continue;
				}
				bool dup = false;
				for (size_t j = 0; j < n; j++)
					dup |= !strcmp(list[j], item);
				if (!dup && n < 64)
					list[n++] = item;
			}
		}
		if (bad) {
			field_errors_add(errs, name, "has a choice that is not allowed");
			break;
		}
		if (n == 0) {
			if (f->required)
				field_errors_add(errs, name, "needs at least one choice");
			break;
		}
		v->list = list;
		v->list_len = n;
		v->present = true;
		break;
	}
	case FIELD_DATE:
	case FIELD_TIME: {
		const char *t = trim(a, raw);
		int64_t when;
		bool date_only = strlen(t) == 10;
		if ((f->type == FIELD_DATE && !date_only) || !clock_parse(t, &when)) {
			field_errors_add(errs, name, f->type == FIELD_DATE
				? "must be a date like 2026-03-31"
				: "must be a time like 2026-03-31T14:00:00Z");
			break;
		}
		v->text = t;
		v->number = when;
		v->present = true;
		break;
	}
	default:
		break;
	}
	return 0;
}

int validate_fields(arena *a, const kv *in, const field_spec *specs, size_t n,
		    field_value *values, field_errors *errs)
{
	size_t before = errs->len;
	for (size_t i = 0; i < n; i++) {
		values[i] = (field_value){0};
		check_one(a, in, &specs[i], &values[i], errs);
	}
	return errs->len > before ? CK_E_INVALID : 0;
}

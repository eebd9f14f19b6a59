/* validate.h: declarative input. A form or JSON body is described by an
 * array of field specs; validate_fields checks all of them at once and
 * collects every problem, so a 422 or a re-rendered form can say, field by
 * field, what is wrong. Nothing is written before validation passes. */
#ifndef CITKIT_VALIDATE_H
#define CITKIT_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kv.h"

typedef enum field_type {
	FIELD_TEXT,   /* one line of UTF-8, trimmed, no control characters */
	FIELD_MULTILINE, /* UTF-8 text, newlines allowed */
	FIELD_EMAIL,  /* local@domain, lower-cased */
	FIELD_INT,    /* decimal integer within [min, max] */
	FIELD_BOOL,   /* "1"/"true"/"on"/"yes" or "0"/"false"/"off"/"no"; absent = false */
	FIELD_ENUM,   /* one of choices */
	FIELD_ENUM_LIST, /* one or more of choices: repeated names or comma-separated */
	FIELD_DATE,   /* YYYY-MM-DD */
	FIELD_TIME,   /* RFC 3339 */
} field_type;

typedef struct field_spec {
	const char *name;
	field_type type;
	bool required;
	int64_t min, max;   /* INT: value bounds; TEXT/EMAIL: length in characters (0 = no bound) */
	const char *const *choices; /* ENUM, ENUM_LIST: NULL-terminated */
	const char *label;  /* for messages; defaults to name */
} field_spec;

typedef struct field_error {
	const char *field, *message;
} field_error;

enum { VALIDATE_MAX_ERRORS = 32 };

typedef struct field_errors {
	field_error items[VALIDATE_MAX_ERRORS];
	size_t len;
} field_errors;

/* One checked value per spec, in spec order. */
typedef struct field_value {
	bool present;
	const char *text;      /* TEXT, MULTILINE, EMAIL, ENUM, DATE: normalised */
	int64_t number;        /* INT, BOOL (0/1), TIME, DATE (epoch seconds) */
	const char **list;     /* ENUM_LIST: NULL-terminated */
	size_t list_len;
} field_value;

/* Checks in against specs[0..n). values must hold n entries. Returns 0 or
 * CK_E_INVALID with errs filled. */
int validate_fields(arena *a, const kv *in, const field_spec *specs, size_t n,
		    field_value *values, field_errors *errs);

void field_errors_add(field_errors *errs, const char *field, const char *message);

/* True when s is well-formed UTF-8 of at most max_len bytes. */
bool validate_utf8(const char *s, size_t len);

#endif

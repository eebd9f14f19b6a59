/* json_write.h: serialises jansson values straight into a buf. The API's
 * hot path (a list of fifty people) spent most of its time in json_dumps
 * with JSON_ENSURE_ASCII and the copy after it; this writes compact UTF-8
 * JSON in one pass, copying runs of plain characters whole. Objects keep
 * jansson's insertion order. */
#ifndef CITKIT_JSON_WRITE_H
#define CITKIT_JSON_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

void json_write(buf *b, const json_t *value);
/* s as a JSON string literal, quotes included; s must be UTF-8 (the
 * bytes pass through; only ", \ and control characters are escaped). */
void json_write_string(buf *b, const char *s, size_t len);

/* A streaming writer for hot responses: values go straight into the buf
 * with commas placed by the writer, no tree built first. Nesting deeper
 * than JSON_OUT_DEPTH is a programming error (asserted). */
enum { JSON_OUT_DEPTH = 16 };

typedef struct json_out {
	buf *b;
	int depth;
	char closer[JSON_OUT_DEPTH];     /* '}' or ']' for each open level */
	bool has_items[JSON_OUT_DEPTH];  /* a comma is due before the next value */
	bool after_key;
} json_out;

void json_out_init(json_out *o, buf *b);
void json_out_object(json_out *o); /* { */
void json_out_array(json_out *o);  /* [ */
void json_out_end(json_out *o);    /* } or ] */
void json_out_key(json_out *o, const char *key);
void json_out_string(json_out *o, const char *s); /* NULL writes null */
void json_out_int(json_out *o, int64_t v);
void json_out_bool(json_out *o, bool v);
void json_out_null(json_out *o);
/* RFC 3339 UTC, or null for 0 (no time). */
void json_out_time(json_out *o, int64_t t);
/* A jansson value, for the rare parts built as trees. */
void json_out_value(json_out *o, const json_t *v);

#endif

/* parse.h: the web layer's input parsers. Each is a pure function over a
 * byte buffer (no libmicrohttpd, no globals), so each can be unit-tested
 * and fuzzed on its own. Every result is allocated from the arena and
 * every value is NUL-terminated; malformed input, invalid UTF-8 or input
 * past the limits returns CK_E_MALFORMED (CK_E_TOO_LARGE for limits) and
 * leaves no partial promise behind: callers drop *out on error. */
#ifndef CITKIT_PARSE_H
#define CITKIT_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/arena.h"
#include "../base/kv.h"
#include "http.h"

typedef struct parse_limits {
	size_t max_fields; /* name/value pairs (or parts) */
	size_t max_name;   /* bytes of a decoded name */
	size_t max_value;  /* bytes of a decoded value (or file part) */
} parse_limits;

/* Query strings: 100 fields, names to 128 bytes, values to 4 KiB. */
extern const parse_limits parse_query_limits;
/* Form bodies: 1000 fields, names to 128 bytes, values to 1 MiB (the
 * body limit applies first). */
extern const parse_limits parse_form_limits;

/* Percent-decodes s[0..n) (plus_is_space: '+' means ' ', as in forms and
 * query strings, not in paths). Rejects a malformed escape, %00 and
 * invalid UTF-8. */
int parse_percent_decode(arena *a, const char *s, size_t n, bool plus_is_space, char **out,
                         size_t *out_len);

/* forms.c: application/x-www-form-urlencoded "a=1&b=x+y&c=%C3%A9". Empty
 * pairs ("a=1&&b=2") are skipped; a name without '=' has the empty value. */
int parse_urlencoded(arena *a, const char *data, size_t len, const parse_limits *lim, kv *out);

/* query.c: a query string (without '?') with the query limits. */
int parse_query(arena *a, const char *qs, size_t len, kv *out);
/* A request target "/path?query": the decoded path (no '+' decoding, must
 * start with '/') and the parsed query. */
int parse_target(arena *a, const char *target, size_t len, const char **path, kv *query);

/* cookies.c: a Cookie header "a=1; b=2". Names are tokens; values may be
 * quoted; no percent-decoding (RFC 6265). A pair without '=' is skipped,
 * as browsers do; bytes outside printable ASCII are malformed. */
int parse_cookies(arena *a, const char *text, size_t len, kv *out);

/* multipart.c: multipart/form-data (RFC 7578). */
/* struct upload is declared in http.h (request.uploads). */

/* The boundary parameter of a multipart Content-Type, or CK_E_MALFORMED. */
int parse_multipart_boundary(arena *a, const char *content_type, const char **boundary);
/* Parts without a filename become fields (UTF-8 checked); parts with one
 * become uploads and are also added to fields under their name (with
 * value_len) so a handler can read the bytes with kv_get. */
int parse_multipart(arena *a, const char *content_type, const char *data, size_t len,
                    const parse_limits *lim, kv *fields, upload **uploads, size_t *n_uploads);

#endif

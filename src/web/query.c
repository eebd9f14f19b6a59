/* query.c: request targets: the decoded path and the query string. */
#include "parse.h"

#include <string.h>

#include "../base/errors.h"

const parse_limits parse_query_limits = {
    .max_fields = 100,
    .max_name = 128,
    .max_value = 4096,
};

int parse_query(arena *a, const char *qs, size_t len, kv *out)
{
	return parse_urlencoded(a, qs, len, &parse_query_limits, out);
}

int parse_target(arena *a, const char *target, size_t len, const char **path, kv *query)
{
	kv_init(query, a);
	if (len == 0 || target[0] != '/')
		return CK_E_MALFORMED;
	const char *q = memchr(target, '?', len);
	size_t path_n = q ? (size_t)(q - target) : len;
	/* A fragment never reaches a server; one that does is malformed. */
	if (memchr(target, '#', len))
		return CK_E_MALFORMED;
	char *p;
	int rc = parse_percent_decode(a, target, path_n, false, &p, NULL);
	if (rc)
		return rc;
	*path = p;
	if (q)
		rc = parse_query(a, q + 1, len - path_n - 1, query);
	return rc;
}

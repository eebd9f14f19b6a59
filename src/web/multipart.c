/* multipart.c: multipart/form-data bodies (RFC 7578), as browsers send
 * file uploads. The body is already in memory (bounded by the upload
 * limit), so parts are found with memmem and copied into the arena. */
#include "parse.h"

#include <string.h>
#include <strings.h>

#include "../base/errors.h"
#include "../base/validate.h"

enum { MAX_BOUNDARY = 70, MAX_PART_HEADERS = 4096, MAX_PARAM = 1024 };

/* Reads a parameter value at p (token or quoted-string); *end points
 * past it. Quoted strings may escape with a backslash. */
static int param_value(arena *a, const char *p, const char *limit, const char **value,
                       const char **end)
{
	buf b;
	buf_init(&b, a);
	if (p < limit && *p == '"') {
		p++;
		for (; p < limit && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < limit)
				p++;
			buf_putc(&b, *p);
			if (b.len > MAX_PARAM)
				return CK_E_MALFORMED;
		}
		if (p >= limit)
			return CK_E_MALFORMED;
		p++;
	} else {
		for (; p < limit && *p != ';' && *p != ' ' && *p != '\t'; p++) {
			buf_putc(&b, *p);
			if (b.len > MAX_PARAM)
				return CK_E_MALFORMED;
		}
	}
	*value = arena_strdup(a, buf_str(&b));
	*end = p;
	return 0;
}

/* Finds parameter name (case-insensitive) among "; a=b; c="d"" in
 * s[0..n); *value NULL when absent. */
static int find_param(arena *a, const char *s, size_t n, const char *name, const char **value)
{
	const char *p = s, *limit = s + n;
	size_t name_n = strlen(name);
	*value = NULL;
	while (p < limit) {
		while (p < limit && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		const char *key = p;
		while (p < limit && *p != '=' && *p != ';')
			p++;
		if (p >= limit || *p == ';')
			continue;
		size_t key_n = (size_t)(p - key);
		while (key_n && (key[key_n - 1] == ' ' || key[key_n - 1] == '\t'))
			key_n--;
		p++;
		while (p < limit && (*p == ' ' || *p == '\t'))
			p++;
		const char *v, *end;
		int rc = param_value(a, p, limit, &v, &end);
		if (rc)
			return rc;
		if (key_n == name_n && !strncasecmp(key, name, name_n)) {
			*value = v;
			return 0;
		}
		p = end;
		while (p < limit && *p != ';')
			p++;
	}
	return 0;
}

int parse_multipart_boundary(arena *a, const char *content_type, const char **boundary)
{
	static const char type[] = "multipart/form-data";
	if (!content_type || strncasecmp(content_type, type, sizeof type - 1))
		return CK_E_MALFORMED;
	const char *rest = content_type + sizeof type - 1;
	if (*rest && *rest != ';' && *rest != ' ')
		return CK_E_MALFORMED;
	const char *b;
	int rc = find_param(a, rest, strlen(rest), "boundary", &b);
	if (rc)
		return rc;
	if (!b || !*b || strlen(b) > MAX_BOUNDARY)
		return CK_E_MALFORMED;
	*boundary = b;
	return 0;
}

typedef struct part_headers {
	const char *name, *filename, *content_type;
} part_headers;

/* Parses the header block h[0..n) of one part ("Name: value" lines). */
static int part_parse_headers(arena *a, const char *h, size_t n, part_headers *ph)
{
	*ph = (part_headers){0};
	const char *p = h, *limit = h + n;
	while (p < limit) {
		const char *eol = memmem(p, (size_t)(limit - p), "\r\n", 2);
		const char *line_end = eol ? eol : limit;
		const char *colon = memchr(p, ':', (size_t)(line_end - p));
		if (!colon)
			return CK_E_MALFORMED;
		size_t key_n = (size_t)(colon - p);
		const char *v = colon + 1;
		while (v < line_end && (*v == ' ' || *v == '\t'))
			v++;
		size_t v_n = (size_t)(line_end - v);
		if (key_n == 19 && !strncasecmp(p, "Content-Disposition", 19)) {
			if (v_n < 9 || strncasecmp(v, "form-data", 9))
				return CK_E_MALFORMED;
			int rc = find_param(a, v + 9, v_n - 9, "name", &ph->name);
			if (!rc)
				rc = find_param(a, v + 9, v_n - 9, "filename", &ph->filename);
			if (rc)
				return rc;
		} else if (key_n == 12 && !strncasecmp(p, "Content-Type", 12)) {
			ph->content_type = arena_strndup(a, v, v_n);
		}
		p = eol ? eol + 2 : limit;
	}
	if (!ph->name || !*ph->name || !validate_utf8(ph->name, strlen(ph->name)))
		return CK_E_MALFORMED;
	if (ph->filename && !validate_utf8(ph->filename, strlen(ph->filename)))
		return CK_E_MALFORMED;
	return 0;
}

static int add_part(arena *a, const part_headers *ph, const char *data, size_t n,
                    const parse_limits *lim, kv *fields, buf *ups)
{
	if (fields->len >= lim->max_fields)
		return CK_E_TOO_LARGE;
	if (strlen(ph->name) > lim->max_name || n > lim->max_value)
		return CK_E_TOO_LARGE;
	char *copy = arena_alloc(a, n + 1);
	memcpy(copy, data, n);
	if (ph->filename) {
		upload u = {
		    .name = ph->name,
		    .filename = ph->filename,
		    .content_type =
		        ph->content_type ? ph->content_type : "application/octet-stream",
		    .data = copy,
		    .len = n,
		};
		buf_append(ups, &u, sizeof u);
	} else if (memchr(copy, '\0', n) || !validate_utf8(copy, n)) {
		return CK_E_MALFORMED;
	}
	kv_add(fields, ph->name, copy, n);
	return 0;
}

int parse_multipart(arena *a, const char *content_type, const char *data, size_t len,
                    const parse_limits *lim, kv *fields, upload **uploads, size_t *n_uploads)
{
	kv_init(fields, a);
	*uploads = NULL;
	*n_uploads = 0;
	const char *boundary;
	int rc = parse_multipart_boundary(a, content_type, &boundary);
	if (rc)
		return rc;
	/* The delimiter is CRLF "--" boundary; the first one may come
	 * without the CRLF at the very start of the body. */
	char *delim = arena_printf(a, "\r\n--%s", boundary);
	size_t delim_n = strlen(delim);
	buf ups;
	buf_init(&ups, a);
	const char *end = data + len, *p;
	if (len >= delim_n - 2 && !memcmp(data, delim + 2, delim_n - 2))
		p = data + delim_n - 2;
	else if ((p = memmem(data, len, delim, delim_n)))
		p += delim_n;
	else
		return CK_E_MALFORMED;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* close delimiter; the epilogue is ignored */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return CK_E_MALFORMED;
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend || hend - p > MAX_PART_HEADERS)
			return CK_E_MALFORMED;
		part_headers ph;
		rc = part_parse_headers(a, p, (size_t)(hend - p), &ph);
		if (rc)
			return rc;
		const char *body = hend + 4;
		const char *next = memmem(body, (size_t)(end - body), delim, delim_n);
		if (!next)
			return CK_E_MALFORMED;
		rc = add_part(a, &ph, body, (size_t)(next - body), lim, fields, &ups);
		if (rc)
			return rc;
		p = next + delim_n;
	}
	*uploads = (upload *)(void *)ups.data;
	*n_uploads = ups.len / sizeof(upload);
	return 0;
}

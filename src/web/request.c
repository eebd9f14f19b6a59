/* request.c: what a handler reads from its request: headers, cookies,
 * path ids, uploads, and input fields from either a form or a JSON body
 * (so one field spec validates both). */
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/errors.h"
#include "parse.h"
#include "web_internal.h"

const char *request_header(request *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *request_cookie(request *req, const char *name)
{
	const char *h = request_header(req, "Cookie");
	if (!h)
		return NULL;
	/* Pair by pair: a malformed cookie set by other software on the
	 * same host must not hide ours. */
	for (const char *p = h; *p;) {
		size_t n = strcspn(p, ";");
		kv one;
		if (parse_cookies(req->arena, p, n, &one) == 0 && one.len == 1 &&
		    !strcmp(one.items[0].name, name))
			return one.items[0].value;
		p += n + (p[n] == ';');
	}
	return NULL;
}

bool request_path_id(request *req, size_t i, int64_t *id)
{
	if (i >= req->n_path_params)
		return false;
	const char *s = req->path_params[i];
	if (!s || *s < '1' || *s > '9' || strlen(s) > 18)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	*id = strtoll(s, NULL, 10);
	return true;
}

const upload *request_upload(request *req, const char *name)
{
	for (size_t i = 0; i < req->n_uploads; i++)
		if (!strcmp(req->uploads[i].name, name))
			return &req->uploads[i];
	return NULL;
}

static bool is_json_type(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strcspn(ct, ";");
	while (n && ct[n - 1] == ' ')
		n--;
	if (n == 16 && !strncasecmp(ct, "application/json", 16))
		return true;
	/* application/merge-patch+json and friends */
	return n > 5 && !strncasecmp(ct, "application/", 12) &&
	       !strncasecmp(ct + n - 5, "+json", 5);
}

int request_json(request *req, json_t **out)
{
	*out = NULL;
	if (!is_json_type(req->content_type)) {
		resp_error(req, CK_E_UNSUPPORTED, "Send the body as application/json.");
		return CK_E_UNSUPPORTED;
	}
	json_error_t jerr;
	json_t *j =
	    json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		resp_error(req, CK_E_MALFORMED,
		           arena_printf(req->arena, "Invalid JSON at line %d, column %d: %s",
		                        jerr.line, jerr.column, jerr.text));
		return CK_E_MALFORMED;
	}
	*out = j;
	return 0;
}

static int add_scalar(arena *a, const char *name, const json_t *v, kv *out)
{
	const char *s;
	switch (json_typeof(v)) {
	case JSON_STRING:
		kv_add(out, name, arena_memdup(a, json_string_value(v), json_string_length(v) + 1),
		       json_string_length(v));
		return 0;
	case JSON_INTEGER:
		s = arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: s = arena_printf(a, "%.17g", json_real_value(v)); break;
	case JSON_TRUE: s = "true"; break;
	case JSON_FALSE: s = "false"; break;
	default: return CK_E_MALFORMED;
	}
	kv_add(out, name, s, strlen(s));
	return 0;
}

int json_to_kv(arena *a, const json_t *obj, kv *out, char *err, size_t errlen)
{
	kv_init(out, a);
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "the body must be a JSON object");
		return CK_E_MALFORMED;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		const char *name = arena_strdup(a, key);
		if (json_is_null(v))
			continue;
		if (json_is_array(v)) {
			size_t i;
			json_t *item;
			/* [] is a field sent empty ("no roles", "no instructors"),
			 * not one left out: its readers then say what it needs. */
			if (json_array_size(v) == 0)
				kv_add(out, name, "", 0);
			json_array_foreach(v, i, item)
			{
				if (!(json_is_string(item) || json_is_number(item)) ||
				    add_scalar(a, name, item, out)) {
					snprintf(err, errlen, "\"%s\" must be an array of strings",
					         key);
					return CK_E_MALFORMED;
				}
			}
			continue;
		}
		if (add_scalar(a, name, v, out)) {
			snprintf(err, errlen, "\"%s\" must be a string, number or boolean", key);
			return CK_E_MALFORMED;
		}
	}
	return 0;
}

int request_fields(request *req, const kv **out)
{
	if (!is_json_type(req->content_type)) {
		/* Forms were decoded (and checked) before the handler ran. */
		*out = &req->form;
		return 0;
	}
	json_t *j;
	int rc = request_json(req, &j);
	if (rc)
		return rc;
	kv *fields = arena_alloc(req->arena, sizeof *fields);
	char err[256];
	rc = json_to_kv(req->arena, j, fields, err, sizeof err);
	json_decref(j);
	if (rc) {
		resp_error(req, CK_E_MALFORMED, arena_strdup(req->arena, err));
		return rc;
	}
	*out = fields;
	return 0;
}

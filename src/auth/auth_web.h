/* auth_web.h: what the auth pages (*_pages.c) and API handlers (*_api.c)
 * share: each file's route registration, the `next` redirect check, role
 * lists for checkboxes and JSON, and how times are shown. Services never
 * include this; it is the HTTP edge only. */
#ifndef CITKIT_AUTH_WEB_H
#define CITKIT_AUTH_WEB_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../db/db.h"
#include "../web/http.h"

/* One per file, each adding that file's one route table. */
void login_pages_register(void);
void account_pages_register(void);
void totp_pages_register(void);
void orgs_pages_register(void);
void users_pages_register(void);
void roster_pages_register(void);
void audit_pages_register(void);
void orgs_api_register(void);
void users_api_register(void);
void tokens_api_register(void);
void sessions_api_register(void);
void audit_api_register(void);
void roster_api_register(void);

/* This thread's database connection; NULL (and a 503 set) when it
 * cannot be opened. */
db *auth_db(request *req);
/* Sets the error response for a service's result code (404, 403, 409 …;
 * a problem+json body on API routes, an error page otherwise). */
void auth_fail(request *req, int rc);

/* The prologue handlers share, each step answering for itself so the
 * handler only returns when one says false:
 *
 *   int64_t id;
 *   const kv *in;
 *   db *d;
 *   if (!auth_path_id(req, 0, &id) || !auth_begin(req, &in, &d))
 *       return 0;
 *   ...
 *   if (!auth_api_ok(req, service(d, ..., &errs), &errs))
 *       return 0;
 *
 * auth_path_id: path parameter i as a positive id, else a 404 set.
 * auth_begin: the request's fields when in is not NULL (request_fields:
 * a bad JSON body answers 400), then the database (auth_db: 503).
 * auth_ok / auth_api_ok: true when rc is not an error; otherwise the
 * response is set as auth_fail / auth_api_fail (with errs) would. */
bool auth_path_id(request *req, size_t i, int64_t *id);
bool auth_begin(request *req, const kv **in, db **d);
bool auth_ok(request *req, int rc);
bool auth_api_ok(request *req, int rc, const field_errors *errs);

enum { AUTH_NEXT_MAX = 512 };

/* True when s is a path on this site ("/users?x=1"): it starts with one
 * "/", is followed by neither "/" nor "\", and holds only printable ASCII
 * without backslashes (browsers drop tabs and newlines and read "\" as
 * "/", which would turn "/\t/evil.example" into "//evil.example"). */
bool auth_is_local_path(const char *s);
/* s when it is a local path, else "/". */
const char *auth_next_or_home(const char *s);

/* Role labels parallel to role_names(), NULL-terminated, from a. */
const char *const *auth_role_labels(arena *a);
/* The names of the roles in mask, NULL-terminated, from a. */
const char **auth_role_list(arena *a, unsigned mask);
/* The mask of a NULL-terminated list of role names (unknown names add
 * nothing: the field spec has already refused them). */
unsigned auth_role_mask(const char *const *names);
/* "Officer, Supervisor" */
const char *auth_role_text(arena *a, unsigned mask);

/* <time datetime="2026-11-26T14:40:54Z">2026-11-26 14:40 UTC</time>, or
 * an em dash when t is 0 (never). */
void auth_time_html(buf *b, int64_t t);
/* The same to the hundredth of a second, from centiseconds (audit). */
void auth_time_cs_html(buf *b, int64_t cs);
/* RFC 3339 string, or JSON null when t is 0. */
json_t *auth_json_time(int64_t t);

/* limit=… from the query: default def, clamped to [1, max]; false (and a
 * 422 set) when it is present but not a number. */
bool auth_query_limit(request *req, int def, int max, int *out);

/* API errors from a service's result: CK_E_INVALID becomes a 422 with
 * errs; CK_E_CONFLICT a 409 with errs; anything else its status from the
 * registry. errs may be NULL. */
void auth_api_fail(request *req, int rc, const field_errors *errs);
/* An RFC 9457 problem for code (type, title, status from the registry,
 * detail, instance) with errors: [{field, message}] from errs (may be
 * NULL), sent as application/problem+json. */
void auth_api_problem(request *req, int code, const char *detail, const field_errors *errs);
/* A keyset list's failure: a malformed cursor (CK_E_MALFORMED from the
 * service) is a 400 saying so; anything else as auth_api_fail. */
void auth_list_fail(request *req, int rc);
/* {"items": items, "next_cursor": next or null}; takes items. */
json_t *auth_list_json(json_t *items, const char *next);
/* The cursor of an API list over a short list held in full (tokens,
 * sessions): the id after which to continue. 0 = from the start, -1 =
 * malformed (a 400 is set). */
int64_t auth_id_cursor(request *req);

/* A field's name and the label the form shows for it. */
typedef struct field_label {
	const char *name, *label;
} field_label;
/* Turns each message that is a fragment ("must be at least 12
 * characters", as services write them to follow a label) into a sentence
 * naming its field ("New password must be at least 12 characters"), so
 * the error summary above a form, which shows messages alone, reads
 * well. A NULL label only capitalises the message (for messages that
 * make a sentence by themselves). Messages that already start with a
 * capital are left alone. */
void auth_name_errors(arena *a, field_errors *errs, const field_label *labels, size_t n);
#define AUTH_NAME_ERRORS(a, errs, labels)                                                          \
	auth_name_errors((a), (errs), (labels), sizeof(labels) / sizeof((labels)[0]))

/* A query parameter as a positive id: 0 when absent or empty, -1 when
 * present but not a positive whole number. */
int64_t auth_query_id(request *req, const char *name);

#endif

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

/* The API's one-resource handlers, said once. A resource's reply reads
 * it by id and answers it as JSON with status (or the problem); the
 * services' create and update take the request's fields:
 *
 *   static int orgs_get(request *req)
 *   {
 *       return auth_api_get(req, reply_org);
 *   }
 *
 * auth_api_get: GET …/{id}, reply with 200.
 * auth_api_create: POST …, the fields to create; 201 with Location
 * "collection/ID" and reply, else 422 / 409 per field as auth_api_ok.
 * auth_api_update: PATCH …/{id}, the fields to update; 200 with reply.
 * Each returns 0, as handlers do. */
typedef int (*auth_reply_fn)(request *req, db *d, int64_t id, int status);
typedef int (*auth_create_fn)(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
                              field_errors *errs);
typedef int (*auth_update_fn)(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
                              field_errors *errs);
int auth_api_get(request *req, auth_reply_fn reply);
int auth_api_create(request *req, auth_create_fn create, const char *collection,
                    auth_reply_fn reply);
int auth_api_update(request *req, auth_update_fn update, auth_reply_fn reply);
/* Location: collection/id ("/api/v1/orgs/12") of a resource just made. */
void auth_api_location(request *req, const char *collection, int64_t id);

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
/* A list handler's prologue: auth_query_limit, then the database
 * (auth_db); false when either has answered. */
bool auth_list_begin(request *req, int def, int max, int *limit, db **d);

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

/* One page of a short list held in full, highest id (newest) first, as
 * the caller's tokens and sessions are:
 *
 *   auth_id_page pg;
 *   if (!auth_id_page_begin(req, &pg, &d))
 *       return 0;
 *   ... the whole list into items[n] ...
 *   for (size_t i = 0; i < n; i++)
 *       if (auth_id_page_takes(&pg, req->arena, items[i].id))
 *           json_array_append_new(arr, item_json(&items[i]));
 *   resp_json(req, 200, auth_list_json(arr, pg.next));
 *
 * auth_id_page_begin: limit (50, at most 200) and the cursor from the
 * query (auth_id_cursor), then the database; false when one answered.
 * auth_id_page_takes: whether the item with this id is on the page: below
 * the cursor's id and within the limit. The first item past the limit
 * sets pg.next, the cursor of the next page (NULL on the last page). */
typedef struct auth_id_page {
	int64_t after; /* the cursor's id, 0 from the start */
	int limit;
	int taken;
	int64_t last; /* the id of the last item taken */
	const char *next;
} auth_id_page;
bool auth_id_page_begin(request *req, auth_id_page *pg, db **d);
bool auth_id_page_takes(auth_id_page *pg, arena *a, int64_t id);

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

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
void dashboard_register(void);
void me_api_register(void);
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

/* A query parameter as a positive id: 0 when absent or empty, -1 when
 * present but not a positive whole number. */
int64_t auth_query_id(request *req, const char *name);

#endif

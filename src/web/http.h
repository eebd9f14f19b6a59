/* http.h: what a handler sees. The web layer (server.c, router.c,
 * request.c, response.c) builds a request from libmicrohttpd, runs the
 * middleware (identity, CSRF, permission, audit hooks, metrics) and calls
 * the route's handler, which fills req->resp. Handlers never call free:
 * everything comes from req->arena, released once the response is sent.
 * Handlers never write SQL: they call services. */
#ifndef CITKIT_HTTP_H
#define CITKIT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../auth/roles.h"
#include <jansson.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/json_write.h"
#include "../base/kv.h"
#include "../base/validate.h"


typedef struct header {
	const char *name, *value;
} header;

typedef struct response {
	int status;                 /* 0 until a handler sets it */
	const char *content_type;   /* with charset for text */
	buf body;
	header headers[24];
	size_t n_headers;
	/* A body that is not in the arena (embedded assets): sent as is. */
	const void *static_body;
	size_t static_len;
	bool is_sse;                /* handed to sse.c instead of queued */
	const char *sse_channel;    /* set by sse_begin (sse.h) */
	bool sse_is_sourced;        /* sse_begin_from: events come from a source */
	int64_t sse_after;          /* … starting after this id */
} response;

/* A file sent in a multipart/form-data body. */
typedef struct upload {
	const char *name;          /* the form field */
	const char *filename;      /* as sent; never use it as a path */
	const char *content_type;  /* the part's, or "application/octet-stream" */
	const char *data;          /* NUL-terminated copy, len bytes */
	size_t len;
} upload;

enum {
	MAX_PATH_PARAMS = 4,
};

typedef struct request {
	arena *arena;
	const char *method;         /* "GET", "POST", … (HEAD is run as GET) */
	bool is_head;
	const char *path;           /* decoded path, without the query */
	const char *path_params[MAX_PATH_PARAMS]; /* {name} captures, in order */
	size_t n_path_params;
	kv query;                   /* decoded query string */
	kv form;                    /* urlencoded or multipart fields (POST) */
	const upload *uploads;      /* multipart files (also in form by name) */
	size_t n_uploads;
	const char *body;           /* raw body, NUL-terminated */
	size_t body_len;
	const char *content_type;
	const char *remote_ip;
	bool is_tls;
	bool wants_json;            /* /api/ routes: errors as problem+json */
	principal who;              /* who.user_id == 0: nobody signed in */
	const struct route *route;
	response resp;
	void *conn;                 /* struct MHD_Connection *, for request_header() */
	void *server;               /* struct web_server * */
} request;

typedef int (*route_handler)(request *req);

enum route_flags {
	ROUTE_API = 1 << 0,         /* JSON in and out; bearer tokens accepted */
	ROUTE_NO_CSRF = 1 << 1,     /* POST exempt from the CSRF token (login form uses its own pre-session token) */
	ROUTE_ALLOW_PENDING_MFA = 1 << 2, /* reachable before TOTP enrolment is done */
	ROUTE_SSE = 1 << 3,         /* server-sent events */
};

typedef struct route {
	const char *method;         /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern;        /* "/api/v1/users/{id}" */
	route_handler handler;
	perm permission;            /* PERM_UNSET refuses registration */
	unsigned flags;
	const char *summary;        /* one line, for openapi.json */
} route;

/* A request header by name, or NULL. */
const char *request_header(request *req, const char *name);
/* A cookie by name, or NULL. */
const char *request_cookie(request *req, const char *name);
/* Path parameter i as a positive integer id; false when it is not one. */
bool request_path_id(request *req, size_t i, int64_t *id);
/* The first uploaded file of form field name, or NULL. */
const upload *request_upload(request *req, const char *name);

/* The request's input fields as one kv, so forms and JSON are validated
 * with the same field specs: req->form for urlencoded and multipart
 * bodies, or a flat JSON object converted by json_to_kv. On failure the
 * error response (400 malformed JSON, 415 unsupported type) is already
 * set and the code is returned: the handler just returns. */
int request_fields(request *req, const kv **out);
/* The body parsed as JSON (any value). On failure sets a 400 problem
 * naming jansson's line and column (or 415 when the body is not JSON)
 * and returns CK_E_MALFORMED / CK_E_UNSUPPORTED. The caller owns *out. */
int request_json(request *req, json_t **out);
/* A flat JSON object into name/value pairs: strings as they are, numbers
 * in decimal, booleans as "true"/"false", null skipped, an array of
 * strings (or numbers) as repeated names. Nested objects and other
 * arrays: CK_E_MALFORMED with err naming the member. */
int json_to_kv(arena *a, const json_t *obj, kv *out, char *err, size_t errlen);

/* Responses (response.c). Each sets status, content type and body. */
void resp_header(request *req, const char *name, const char *value);
void resp_redirect(request *req, const char *location);       /* 303 See Other */
/* A text body copied into the arena; content_type should name a charset. */
void resp_text(request *req, int status, const char *content_type, const char *text);
/* A body that outlives the request (embedded assets): not copied. */
void resp_static(request *req, int status, const char *content_type,
		 const void *data, size_t len);
/* A JSON body; takes ownership of json (one reference). */
void resp_json(request *req, int status, json_t *json);
/* A JSON body written as it is built (hot lists): sets status and type,
 * reserves room for about size_hint bytes and points o at the body. */
void resp_json_stream(request *req, int status, size_t size_hint, json_out *o);
/* RFC 9457 problem (+json for API routes, an HTML error page otherwise),
 * status and title from the error registry; detail may be NULL. */
void resp_error(request *req, int ck_code, const char *detail);
/* 422 with errors: [{field, message}] (API). Pages re-render their form
 * instead. */
void resp_validation(request *req, const field_errors *errs);
/* Cookies: HttpOnly and SameSite=Strict always; Secure and the __Host-
 * prefix under TLS. max_age < 0 omits Max-Age (session cookie), 0 deletes. */
void resp_cookie(request *req, const char *name, const char *value, int64_t max_age);
/* The cookie's name as sent (with __Host- under TLS). */
const char *cookie_name(request *req, const char *base);

/* Route tables (router.c). Each feature calls this once at start-up with
 * its table; a route without permission aborts start-up. */
void router_add(const route *routes, size_t n);
/* Walks every registered route (openapi.json, tests). */
size_t router_count(void);
const route *router_at(size_t i);
/* Forgets every registered route (tests that build their own table). */
void router_clear(void);

#define ROUTES_ADD(table) router_add((table), sizeof(table) / sizeof((table)[0]))

#endif

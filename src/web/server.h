/* server.h: starting and stopping the HTTP server (libmicrohttpd, epoll
 * thread pool, optional TLS). The CLI's `serve` fills web_options, calls
 * each feature's route registration (web_routes_register() and the
 * others), then web_server_start. Who a request comes from is decided by
 * the auth services through the two identify hooks; the web layer only
 * reads the cookie or the bearer token and hands it over. */
#ifndef CITKIT_SERVER_H
#define CITKIT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"

typedef struct web_server web_server;

/* The session cookie's base name; cookie_name() (http.h) adds the
 * __Host- prefix under TLS. Set it with resp_cookie(req, WEB_SESSION_COOKIE, …). */
#define WEB_SESSION_COOKIE "citkit_session"

enum {
	WEB_DEFAULT_MAX_BODY = 1 << 20,   /* forms and JSON: 1 MiB */
	WEB_DEFAULT_MAX_UPLOAD = 8 << 20, /* multipart uploads: 8 MiB */
};

typedef struct web_options {
	const char *listen;   /* "ADDR:PORT"; port 0 picks a free port */
	int threads;          /* worker threads; 0 = number of cores */
	const char *tls_cert; /* PEM file paths; both set = HTTPS */
	const char *tls_key;
	size_t max_body_bytes;    /* 0 = WEB_DEFAULT_MAX_BODY */
	size_t max_upload_bytes;  /* 0 = WEB_DEFAULT_MAX_UPLOAD */
	const char *program_name; /* shown in every page header; NULL = "citkit" */
	bool quiet;               /* no access log (tests) */

	/* The auth services answer these. Each fills *out from a (copied)
	 * cookie value or bearer token, allocating from a (the request
	 * arena), and returns 0, or CK_E_UNAUTHORIZED when the credential is
	 * unknown, expired or revoked (any other negative code is logged and
	 * treated the same). NULL hooks: nobody is ever signed in. */
	int (*identify_session)(arena *a, const char *cookie_value, const char *ip, principal *out);
	int (*identify_token)(arena *a, const char *bearer, const char *ip, principal *out);
	/* Sessions alive now, for /metrics; NULL = not reported. */
	int64_t (*active_sessions)(void);
	/* Checks again the credentials open event streams were opened with,
	 * at every heartbeat: fills each item (principal.h; one per distinct
	 * session or token) on the calling thread's own connection. 0, or a
	 * negative code: nothing is ended and the next heartbeat checks
	 * again. NULL: streams are never checked again (only the in-process
	 * ends of sse.h apply). */
	int (*recheck_credentials)(principal_check *items, size_t n);
	/* Seconds between event-stream heartbeats, and so between those
	 * checks; 0 = SSE_HEARTBEAT_SECONDS (15). Tests shorten it. */
	int sse_heartbeat_seconds;
} web_options;

/* Checks the registered route tables (a route without a permission or a
 * duplicate method + pattern is refused, err naming it), then listens.
 * Returns 0, CK_E_INVALID (bad options or routes) or CK_E_IO (cannot
 * listen, cannot read the TLS files); err gets a one-line reason. */
int web_server_start(const web_options *opt, web_server **out, char *err, size_t errlen);
/* The port actually listened on (useful with port 0). */
int web_server_port(const web_server *s);
/* Closes server-sent event streams, waits for requests in flight, frees. */
void web_server_stop(web_server *s);

/* The options the server was started with (program name, hooks). */
const web_options *web_server_options(const web_server *s);

/* Registers the web layer's own routes: /healthz, /metrics,
 * /assets/{name}, /api/v1/openapi.json. Call once before starting. */
void web_routes_register(void);

#endif

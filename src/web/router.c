/* router.c: the route tables every feature registers, pattern matching,
 * and the middleware that runs before each handler, in this order:
 * identify (session cookie or bearer token), sign-in, pending second
 * factor, TOTP enrolment, permission, CSRF; then the handler. The router
 * alone answers 404, 405 with Allow, HEAD (as GET) and OPTIONS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/errors.h"
#include "../base/html.h"
#include "../base/log.h"
#include "parse.h"
#include "web_internal.h"

enum { MAX_ROUTES = 1024 };

/* Registered at start-up, before any worker thread exists; read-only
 * while serving, so lookups need no lock. */
static const route *routes[MAX_ROUTES];
static size_t n_routes;
static const route *bad_route;
static bool too_many_routes;

void router_add(const route *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (table[i].permission == PERM_UNSET && !bad_route)
			bad_route = &table[i];
		if (n_routes == MAX_ROUTES) {
			too_many_routes = true;
			return;
		}
		routes[n_routes++] = &table[i];
	}
}

size_t router_count(void)
{
	return n_routes;
}

const route *router_at(size_t i)
{
	return i < n_routes ? routes[i] : NULL;
}

void router_clear(void)
{
	n_routes = 0;
	bad_route = NULL;
	too_many_routes = false;
}

static bool method_known(const char *m)
{
	static const char *const known[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (m && !strcmp(m, known[i]))
			return true;
	return false;
}

int router_check(char *err, size_t errlen)
{
	if (too_many_routes) {
		snprintf(err, errlen, "more than %d routes registered", MAX_ROUTES);
		return CK_E_INVALID;
	}
	if (bad_route) {
		snprintf(err, errlen, "route %s %s names no permission",
		         bad_route->method ? bad_route->method : "?",
		         bad_route->pattern ? bad_route->pattern : "?");
		return CK_E_INVALID;
	}
	for (size_t i = 0; i < n_routes; i++) {
		const route *r = routes[i];
		if (!method_known(r->method) || !r->pattern || r->pattern[0] != '/' ||
		    !r->handler) {
			snprintf(err, errlen, "route %s %s is incomplete",
			         r->method ? r->method : "?", r->pattern ? r->pattern : "?");
			return CK_E_INVALID;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(routes[j]->method, r->method) &&
			    !strcmp(routes[j]->pattern, r->pattern)) {
				snprintf(err, errlen, "route %s %s is registered twice", r->method,
				         r->pattern);
				return CK_E_INVALID;
			}
	}
	return 0;
}

/* One segment: literal, or prefix{name}suffix capturing a non-empty
 * middle. */
static bool segment_match(arena *a, const char *pat, size_t pat_n, const char *seg, size_t seg_n,
                          const char **param, bool *captured)
{
	const char *open = memchr(pat, '{', pat_n);
	*captured = false;
	if (!open)
		return pat_n == seg_n && !memcmp(pat, seg, seg_n);
	const char *close = memchr(open, '}', pat_n - (size_t)(open - pat));
	if (!close)
		return false;
	size_t pre = (size_t)(open - pat);
	size_t suf = pat_n - (size_t)(close + 1 - pat);
	if (seg_n <= pre + suf || memcmp(seg, pat, pre) ||
	    memcmp(seg + seg_n - suf, close + 1, suf))
		return false;
	*param = a ? arena_strndup(a, seg + pre, seg_n - pre - suf) : NULL;
	*captured = true;
	return true;
}

bool route_pattern_match(arena *a, const char *pattern, const char *path, const char **params,
                         size_t *n_params)
{
	const char *p = pattern, *s = path;
	size_t n = 0;
	if (*p != '/' || *s != '/')
		return false;
	while (*p == '/' && *s == '/') {
		p++;
		s++;
		size_t pn = strcspn(p, "/"), sn = strcspn(s, "/");
		const char *param = NULL;
		bool captured;
		if (!segment_match(a, p, pn, s, sn, &param, &captured))
			return false;
		if (captured) {
			if (n == MAX_PATH_PARAMS)
				return false;
			params[n++] = param;
		}
		p += pn;
		s += sn;
	}
	if (*p || *s)
		return false;
	*n_params = n;
	return true;
}

static void allow_add(char *allow, size_t size, const char *method)
{
	/* Each method once, in registration order. */
	size_t ml = strlen(method);
	for (const char *q = allow; (q = strstr(q, method)); q += ml)
		if ((q == allow || q[-1] == ' ') && (q[ml] == ',' || q[ml] == '\0'))
			return;
	size_t len = strlen(allow);
	snprintf(allow + len, size - len, "%s%s", len ? ", " : "", method);
}

int router_find(arena *a, const char *method, const char *path, route_match *m)
{
	const char *want = !strcmp(method, "HEAD") ? "GET" : method;
	bool path_known = false;
	m->route = NULL;
	m->allow[0] = '\0';
	for (size_t i = 0; i < n_routes; i++) {
		const char *params[MAX_PATH_PARAMS];
		size_t n = 0;
		if (!route_pattern_match(a, routes[i]->pattern, path, params, &n))
			continue;
		path_known = true;
		allow_add(m->allow, sizeof m->allow, routes[i]->method);
		if (!strcmp(routes[i]->method, "GET"))
			allow_add(m->allow, sizeof m->allow, "HEAD");
		/* The most literal pattern wins: /users/import before
		 * /users/{id}, whatever the registration order. */
		if (!strcmp(routes[i]->method, want) && (!m->route || n < m->n_params)) {
			m->route = routes[i];
			memcpy(m->params, params, n * sizeof params[0]);
			m->n_params = n;
		}
	}
	if (!path_known)
		return CK_E_NOT_FOUND;
	allow_add(m->allow, sizeof m->allow, "OPTIONS");
	if (!strcmp(method, "OPTIONS"))
		return CK_E_METHOD;
	return m->route ? 0 : CK_E_METHOD;
}

static bool is_unsafe(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* Equal strings in time that depends only on the length of b (the
 * request's), so the session's token does not leak byte by byte. */
static bool tokens_equal(const char *secret, const char *given)
{
	size_t ls = strlen(secret), lg = strlen(given);
	unsigned char diff = (unsigned char)(ls != lg);
	for (size_t i = 0; i < lg; i++)
		diff |= (unsigned char)(given[i] ^ (i < ls ? secret[i] : 0));
	return diff == 0 && ls > 0;
}

static void identify(request *req, const web_options *opt)
{
	const char *auth = request_header(req, "Authorization");
	if ((req->route->flags & ROUTE_API) && auth && !strncasecmp(auth, "Bearer ", 7)) {
		const char *token = auth + 7;
		while (*token == ' ')
			token++;
		principal p = {0};
		if (opt->identify_token &&
		    opt->identify_token(req->arena, token, req->remote_ip, &p) == 0 &&
		    p.user_id > 0) {
			p.via_token = true;
			p.csrf_token = NULL;
			req->who = p;
		}
		/* A bearer request is judged by its token alone. */
		req->who.ip = req->remote_ip;
		return;
	}
	const char *cookie = request_cookie(req, cookie_name(req, WEB_SESSION_COOKIE));
	if (cookie && *cookie && opt->identify_session) {
		principal p = {0};
		if (opt->identify_session(req->arena, cookie, req->remote_ip, &p) == 0 &&
		    p.user_id > 0) {
			p.via_token = false;
			req->who = p;
		}
	}
	req->who.ip = req->remote_ip;
}

static void redirect_with_next(request *req, const char *to)
{
	buf b;
	buf_init(&b, req->arena);
	buf_puts(&b, to);
	buf_puts(&b, "?next=");
	html_url_arg(&b, req->path);
	resp_redirect(req, buf_str(&b));
}

/* Origin and Sec-Fetch-Site say where a request was made; any unsafe
 * request a browser sends from another site is refused, token or not. */
/* host[:port] without the scheme's default port, so "example.org" and
 * "example.org:443" compare equal under https. */
static size_t authority_len(const char *a, bool is_https)
{
	size_t n = strlen(a);
	const char *dflt = is_https ? ":443" : ":80";
	size_t dl = strlen(dflt);
	if (n > dl && !strcmp(a + n - dl, dflt))
		n -= dl;
	return n;
}

static bool same_origin(request *req)
{
	const char *site = request_header(req, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return false;
	const char *origin = request_header(req, "Origin");
	if (!origin)
		return true;
	const char *host = request_header(req, "Host");
	bool is_https = !strncasecmp(origin, "https://", 8);
	const char *authority = NULL;
	if (is_https)
		authority = origin + 8;
	else if (!strncasecmp(origin, "http://", 7))
		authority = origin + 7;
	if (!authority || !host)
		return false;
	size_t an = authority_len(authority, is_https), hn = authority_len(host, is_https);
	return an == hn && !strncasecmp(authority, host, an);
}

static int check_csrf(request *req)
{
	if (!is_unsafe(req->method) || req->who.via_token)
		return 0;
	if (!same_origin(req))
		return CK_E_CSRF;
	if ((req->route->flags & ROUTE_NO_CSRF) || req->who.user_id == 0)
		return 0;
	const char *given = kv_get(&req->form, "csrf");
	if (!given)
		given = request_header(req, "X-CSRF-Token");
	const char *secret = req->who.csrf_token;
	if (!given || !secret || !tokens_equal(secret, given))
		return CK_E_CSRF;
	return 0;
}

/* Sign-in, second factor, enrolment and permission, in that order; 0 to
 * go on, or 1 when a response (redirect or error) has been set. */
static int check_access(request *req)
{
	const route *r = req->route;
	bool is_public = r->permission == PERM_PUBLIC || r->permission == PERM_METRICS;
	if (is_public)
		return 0;
	if (req->who.user_id == 0) {
		if (req->wants_json) {
			resp_header(req, "WWW-Authenticate", "Bearer realm=\"citkit\"");
			resp_error(req, CK_E_UNAUTHORIZED,
			           "Sign in, or send Authorization: Bearer with an API token.");
		} else {
			redirect_with_next(req, "/login");
		}
		return 1;
	}
	if (!(r->flags & ROUTE_ALLOW_PENDING_MFA)) {
		if (req->who.mfa_pending) {
			if (req->wants_json)
				resp_error(req, CK_E_MFA_REQUIRED, NULL);
			else
				redirect_with_next(req, "/login/totp");
			return 1;
		}
		if (req->who.needs_totp_enrolment) {
			if (req->wants_json)
				resp_error(req, CK_E_FORBIDDEN, "Enrol a second factor first.");
			else
				resp_redirect(req, "/account/totp");
			return 1;
		}
	}
	if (!perm_granted(req->who.roles, r->permission)) {
		resp_error(req, CK_E_FORBIDDEN, NULL);
		return 1;
	}
	return 0;
}

static void answer_unrouted(request *req, int rc, const route_match *m)
{
	if (rc == CK_E_NOT_FOUND) {
		resp_error(req, CK_E_NOT_FOUND, NULL);
		return;
	}
	resp_header(req, "Allow", arena_strdup(req->arena, m->allow));
	if (!strcmp(req->method, "OPTIONS")) {
		req->resp.status = 204;
		return;
	}
	resp_error(req, CK_E_METHOD, NULL);
}

void router_dispatch(request *req, const web_options *opt, int input_error)
{
	route_match m;
	req->wants_json = !strncmp(req->path, "/api/", 5);
	int rc = router_find(req->arena, req->method, req->path, &m);
	if (rc) {
		answer_unrouted(req, rc, &m);
		return;
	}
	req->route = m.route;
	memcpy(req->path_params, m.params, sizeof m.params);
	req->n_path_params = m.n_params;
	if (m.route->flags & ROUTE_API)
		req->wants_json = true;
	if (input_error) {
		resp_error(req, input_error, NULL);
		return;
	}
	identify(req, opt);
	if (check_access(req))
		return;
	rc = check_csrf(req);
	if (rc) {
		resp_error(req, rc, NULL);
		return;
	}
	rc = m.route->handler(req);
	if (req->resp.status == 0) {
		log_error("handler for %s %s set no response (rc %d)", m.route->method,
		          m.route->pattern, rc);
		resp_error(req, CK_E_INTERNAL, NULL);
	}
}

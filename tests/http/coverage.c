/* coverage.c: the suite's last case: every route the server registers was
 * requested during the run. The route table comes from the server itself
 * (`citkit routes`, the same registration `citkit serve` does), so a route
 * added without a test fails here by name. What was requested comes from
 * the JSON-lines access logs of every server the suite started
 * (server*.log in the scratch folder: "method" and "route", the pattern
 * that matched, "status" and "user"). A route counts once it was answered
 * below 400 at least once, to someone signed in unless it is public: a
 * route only ever refused (401, 403, 404, 422, or a signed-out page's
 * redirect to the sign-in page) has no test of what it is for. HEAD and OPTIONS, answered by the
 * router for any route, do not count for a route's GET. */
#include "coverage.h"
#include "harness.h"
#include "harness_internal.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ROUTES = 1024 };

typedef struct route_seen {
	char method[8];
	char pattern[256];
	bool is_requested;
	bool is_public;   /* needs no sign-in */
	bool is_answered; /* below 400, to someone signed in unless public */
} route_seen;

/* The routes `citkit routes` prints, "METHOD PATTERN PERMISSION" a line. */
static size_t load_routes(route_seen *routes, size_t max)
{
	char *out = NULL;
	int code = cli(NULL, &out, "routes", NULL);
	if (code != 0)
		fail_msg("citkit routes exited %d", code);
	size_t n = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (n == max)
			fail_msg("more than %zu routes", max);
		route_seen *r = &routes[n];
		memset(r, 0, sizeof *r);
		char perm[64];
		if (sscanf(line, "%7s %255s %63s", r->method, r->pattern, perm) != 3 ||
		    r->pattern[0] != '/')
			fail_msg("citkit routes printed \"%s\", want METHOD PATTERN PERMISSION",
			         line);
		r->is_public = !strcmp(perm, "public") || !strcmp(perm, "metrics");
		n++;
	}
	free(out);
	if (n < 10)
		fail_msg("citkit routes printed %zu routes; the server has many more", n);
	return n;
}

/* Marks the routes requested in one access log. Returns its requests. */
static size_t read_log(const char *path, route_seen *routes, size_t n)
{
	char *text = harness_slurp(path, NULL);
	if (!text)
		fail_msg("cannot read %s", path);
	size_t requests = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] != '{')
			continue; /* not a log record (a sanitizer report, say) */
		json_t *j = json_loads(line, 0, NULL);
		const char *msg = json_string_value(json_object_get(j, "msg"));
		const char *method = json_string_value(json_object_get(j, "method"));
		const char *route = json_string_value(json_object_get(j, "route"));
		json_int_t status = json_integer_value(json_object_get(j, "status"));
		json_int_t user = json_integer_value(json_object_get(j, "user"));
		if (msg && !strcmp(msg, "request") && method && route) {
			requests++;
			for (size_t i = 0; i < n; i++) {
				if (strcmp(routes[i].method, method) ||
				    strcmp(routes[i].pattern, route))
					continue;
				routes[i].is_requested = true;
				/* Signed out, a page answers 303 to the sign-in page. */
				if (status > 0 && status < 400 && (user > 0 || routes[i].is_public))
					routes[i].is_answered = true;
			}
		}
		json_decref(j);
	}
	free(text);
	return requests;
}

void test_every_route_requested(void **state)
{
	(void)state;
	static route_seen routes[MAX_ROUTES];
	size_t n = load_routes(routes, MAX_ROUTES);
	char pattern[1100];
	snprintf(pattern, sizeof pattern, "%s/server*.log", harness_work());
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0)
		fail_msg("no server log matches %s", pattern);
	size_t requests = 0;
	for (size_t i = 0; i < g.gl_pathc; i++)
		requests += read_log(g.gl_pathv[i], routes, n);
	globfree(&g);
	if (requests == 0)
		fail_msg("the server logs record no request (is the access log off?)");
	char missing[8192] = "", refused[8192] = "";
	size_t n_missing = 0, n_refused = 0, used = 0, used_refused = 0;
	for (size_t i = 0; i < n; i++) {
		if (routes[i].is_answered)
			continue;
		bool never = !routes[i].is_requested;
		char *list = never ? missing : refused;
		size_t *at = never ? &used : &used_refused;
		*(never ? &n_missing : &n_refused) += 1;
		int w = snprintf(list + *at, sizeof missing - *at, "\n  %s %s", routes[i].method,
		                 routes[i].pattern);
		if (w > 0 && (size_t)w < sizeof missing - *at)
			*at += (size_t)w;
	}
	if (n_missing || n_refused)
		fail_msg("of %zu routes, %zu were never requested by the suite:%s\n"
		         "and %zu were only ever refused (no answer below 400):%s",
		         n, n_missing, n_missing ? missing : " none", n_refused,
		         n_refused ? refused : " none");
}

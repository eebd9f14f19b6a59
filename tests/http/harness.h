/* harness.h: what the HTTP suite stands on. It runs the real citkit
 * binary: command-line calls (init, demo, user add, token create, audit
 * verify) and `citkit serve` on a free loopback port, on a fresh SQLite
 * file or a fresh PostgreSQL schema, and speaks HTTP to it with libcurl.
 * Every response is checked for the security headers and every HTML page
 * is run through tidy; a failure there fails the test that fetched it.
 *
 * Environment: CITKIT_BIN (the binary), CITKIT_HTTP_DB ("sqlite" or a
 * postgres:// URL), CITKIT_HTTP_WORK (a scratch folder; server logs stay
 * there for tests/run to scan for sanitizer reports). */
#ifndef CITKIT_HTTP_HARNESS_H
#define CITKIT_HTTP_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

enum { JAR_MAX = 8 };

typedef struct cookie {
	char name[64];
	char value[256];
} cookie;

/* One browser (or API client): its cookies and the last CSRF token seen. */
typedef struct agent {
	cookie jar[JAR_MAX];
	size_t n_cookies;
	char bearer[256]; /* sent as Authorization: Bearer when set */
	char csrf[256];   /* from the last page's csrf hidden input */
	/* When set, requests leave from this loopback address ("127.0.0.11"):
	 * limits kept per address then count apart from the rest of the suite. */
	char from_ip[32];
} agent;

typedef struct hresp {
	long status;
	char *body; /* NUL-terminated */
	size_t len;
	char *headers; /* raw header block of the response */
	char content_type[128];
	char location[512];
} hresp;

/* A user the suite creates with `citkit user add`. */
typedef struct tuser {
	char email[128];
	char name[64];
	char password[64];
	char roles[64];
	int64_t org_id;
	int64_t id;           /* 0 until looked up */
	char totp_secret[64]; /* base32, once enrolled */
	int64_t totp_last_step;
} tuser;

/* The server and its database. */
void suite_setup(void);
void suite_teardown(void);
/* Stops the server (SIGTERM) and checks that it exited 0 with no
 * sanitizer report; false with a reason otherwise. */
bool server_stop(char *why, size_t whylen);
const char *base_url(void);
/* A second server over HTTPS (self-signed certificate) on the same
 * database; requests go to it until tls_server_stop(), which checks its
 * clean exit like server_stop(). */
void tls_server_start(void);
bool tls_server_stop(char *why, size_t whylen);
/* A second server over plain HTTP on the same database (two processes
 * sharing one PostgreSQL); returns its base URL. Requests made with
 * http() keep going to the first. peer_server_stop() checks its clean
 * exit like server_stop(); the suite's teardown stops it if still up. */
const char *peer_server_start(void);
/* The same with a configuration file holding ini (e.g. "[server]\n…"). */
const char *peer_server_start_ini(const char *ini);
bool peer_server_stop(char *why, size_t whylen);
/* Sends http() and base_url() to the peer (true) or back to the first
 * server (false). */
void use_peer(bool on);
const char *db_url(void);
bool on_postgres(void);

/* Runs `citkit ARGS…` (NULL-terminated) with stdin_text on standard input
 * (NULL for none); returns the exit status; *out gets stdout (malloc'd). */
int cli(const char *stdin_text, char **out, ...);

/* A new user with a unique email and a good password. */
void user_make(tuser *u, const char *roles, int64_t org_id);

/* HTTP. extra: NULL-terminated "Name: value" headers. The request never
 * follows redirects. Every response passes check_response(). */
void http(agent *a, const char *method, const char *path, const char *ctype, const char *body,
          size_t len, const char *const *extra, hresp *r);
void http_get(agent *a, const char *path, hresp *r);
/* A page form POST (urlencoded, same-origin Origin header, the agent's
 * csrf appended unless fields already carries one). fields: "a=b&c=d"
 * with values already URL-encoded by form_enc(). */
void http_post_form(agent *a, const char *path, const char *fields, hresp *r);
/* JSON to the API with the agent's bearer token or cookies. */
void http_json(agent *a, const char *method, const char *path, const char *json, hresp *r);
void hresp_free(hresp *r);
/* A response header's value (first occurrence, case-insensitive), or NULL;
 * returns a pointer into a static buffer, valid until the next call. */
const char *hresp_header(const hresp *r, const char *name);
/* Parses the JSON body; fails the test when it is not JSON. */
json_t *hresp_json(const hresp *r);

/* URL-encodes s into a static rotating buffer. */
const char *form_enc(const char *s);
/* The value attribute of the <input name="NAME"> in html, into out. */
bool html_input_value(const char *html, const char *name, char *out, size_t outlen);

/* Signs in through the login pages: password, then a TOTP code when one
 * is owed, then TOTP enrolment when the user's role requires it. Ends
 * with the agent holding a session on the dashboard. */
void login(agent *a, tuser *u);
/* Enrols TOTP from the /account/totp page; stores the secret in u. */
void totp_enrol(agent *a, tuser *u);
/* The current TOTP code of u for time step `step` (RFC 6238, 30 s). */
void totp_code(const tuser *u, int64_t step, char out[7]);
int64_t totp_step_now(void);
/* Sleeps until the TOTP step is past u->totp_last_step, so that a fresh
 * code exists (each code is accepted only once). */
void totp_wait_fresh(tuser *u);

/* The id of a user, looked up through the API as the suite's admin. */
int64_t user_id_of(tuser *u);
/* The suite's admin (roles admin), signed in once per run, and an API
 * token of that admin. */
agent *admin_agent(void);
tuser *admin_user(void);
const char *admin_token(void);
/* A new API token for email, from `citkit token create`. */
void harness_token_for(const char *email, char *out, size_t outlen);

/* Fails the test with the response shown. */
#define expect_status(r, want) expect_status_at((r), (want), __FILE__, __LINE__)
void expect_status_at(const hresp *r, long want, const char *file, int line);
/* A page form shown again with FIELD's message beside it (the
 * id="f-FIELD-error" paragraph the form writer puts there). */
#define expect_form_error(r, field) expect_form_error_at((r), (field), __FILE__, __LINE__)
void expect_form_error_at(const hresp *r, const char *field, const char *file, int line);
#define expect_redirect(r, prefix) expect_redirect_at((r), (prefix), __FILE__, __LINE__)
void expect_redirect_at(const hresp *r, const char *prefix, const char *file, int line);

#endif

/* harness.c: the HTTP suite's server, command-line and HTTP plumbing
 * (see harness.h). Kept apart from the tests so that test_http.c reads as
 * a list of contracts. */
#include "harness.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <liboath/oath.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One running `citkit serve`: the suite's plain-HTTP server, and for the
 * TLS test a second one over HTTPS on the same database. */
typedef struct server {
	pid_t pid;
	char base[128];
	char server_out[1024], server_err[1024];
	char cainfo[1100];          /* the certificate curl trusts (TLS only) */
} server;

static struct {
	const char *bin, *work;
	char db[1024];
	bool is_pg;
	server plain, tls;
	server *cur;
	int n_pages, n_users, n_runs;
	tuser admin;
	agent admin_agent;
	bool admin_ready;
	char admin_token[256];
} S;

const char *base_url(void) { return S.cur->base; }
const char *db_url(void) { return S.db; }
bool on_postgres(void) { return S.is_pg; }

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	size_t got;
	while (p && (got = fread(p + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n < 2) {
			cap *= 2;
			p = realloc(p, cap);
		}
	}
	fclose(f);
	if (!p) return NULL;
	p[n] = '\0';
	if (len) *len = n;
	return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f) fail_msg("cannot write %s: %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len) fail_msg("short write to %s", path);
	fclose(f);
}

/* Runs argv with stdin from stdin_path (or /dev/null), stdout and stderr to
 * files; returns the exit status, 128+signal when killed. */
static int run_argv(char *const argv[], const char *stdin_path, const char *out_path,
		    const char *err_path)
{
	pid_t pid = fork();
	if (pid < 0) fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		/* In the scratch folder: files a command makes beside itself (the
		 * PostgreSQL secret key, citkit.key) must not land in the repo. */
		if (S.work && chdir(S.work) != 0) _exit(126);
		int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in < 0 || out < 0 || err < 0) _exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
	if (WIFEXITED(st)) return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int cli(const char *stdin_text, char **out, ...)
{
	char *argv[32];
	size_t n = 0;
	argv[n++] = (char *)S.bin;
	va_list ap;
	va_start(ap, out);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < 31) argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;

	char in_path[1100], out_path[1100], err_path[1100];
	snprintf(in_path, sizeof in_path, "%s/cli-%d.in", S.work, ++S.n_runs);
	snprintf(out_path, sizeof out_path, "%s/cli-%d.out", S.work, S.n_runs);
	snprintf(err_path, sizeof err_path, "%s/cli.err", S.work);
	if (stdin_text) write_file(in_path, stdin_text, strlen(stdin_text));
	int code = run_argv(argv, stdin_text ? in_path : NULL, out_path, err_path);
	if (out) {
		*out = slurp(out_path, NULL);
		if (!*out) *out = strdup("");
	}
	unlink(in_path);
	unlink(out_path);
	return code;
}

static void cli_ok(const char *what, int code)
{
	if (code != 0) {
		char path[1100];
		snprintf(path, sizeof path, "%s/cli.err", S.work);
		char *e = slurp(path, NULL);
		char msg[4096];
		size_t n = e ? strlen(e) : 0;
		snprintf(msg, sizeof msg, "%s", e && n > 4000 ? e + n - 4000 : (e ? e : ""));
		free(e);
		fail_msg("citkit %s exited %d; its stderr:\n%s", what, code, msg);
	}
}

/* A fresh schema on PostgreSQL: the suite must not see another run's rows. */
static void pg_reset(const char *url)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) fail_msg("PostgreSQL %s: %s", url, PQerrorMessage(c));
	PGresult *r = PQexec(c, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("resetting the schema: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void server_start(server *sv, const char *name, const char *config)
{
	snprintf(sv->server_out, sizeof sv->server_out, "%s/%s.out", S.work, name);
	snprintf(sv->server_err, sizeof sv->server_err, "%s/%s.log", S.work, name);
	pid_t pid = fork();
	if (pid < 0) fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (chdir(S.work) != 0) _exit(126);
		int in = open("/dev/null", O_RDONLY);
		int out = open(sv->server_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(sv->server_err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0 || err < 0) _exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		if (config)
			execl(S.bin, S.bin, "--config", config, "serve", "--db", S.db, "--listen",
			      "127.0.0.1:0", (char *)NULL);
		else
			execl(S.bin, S.bin, "serve", "--db", S.db, "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	sv->pid = pid;
	/* The serve command announces its address on stdout: "citkit serving
	 * … at http://ADDR:PORT". Wait for that line (not a speed check: a
	 * server that never says it is a failure, after a generous while). */
	for (int i = 0; i < 1200; i++) {
		char *out = slurp(sv->server_out, NULL);
		const char *at = out ? strstr(out, " at http") : NULL;
		if (at) {
			at += 4;
			size_t n = strcspn(at, " \r\n");
			if (n >= sizeof sv->base) n = sizeof sv->base - 1;
			memcpy(sv->base, at, n);
			sv->base[n] = '\0';
			while (n > 0 && sv->base[n - 1] == '/') sv->base[--n] = '\0';
			free(out);
			return;
		}
		free(out);
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			sv->pid = 0;
			char *err = slurp(sv->server_err, NULL);
			char msg[4096];
			snprintf(msg, sizeof msg, "%s", err ? err : "");
			free(err);
			fail_msg("citkit serve exited before serving:\n%s", msg);
		}
		sleep_ms(50);
	}
	fail_msg("citkit serve printed no \"citkit serving … at http://ADDR:PORT\" line in 60 s");
}

static const char *sanitizer_marks[] = {
	"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
	"SUMMARY: UndefinedBehaviorSanitizer", NULL,
};

bool server_stop(char *why, size_t whylen)
{
	why[0] = '\0';
	if (S.cur->pid <= 0) {
		snprintf(why, whylen, "the server was not running");
		return false;
	}
	kill(S.cur->pid, SIGTERM);
	int st = 0;
	bool gone = false;
	for (int i = 0; i < 600 && !gone; i++) {
		if (waitpid(S.cur->pid, &st, WNOHANG) == S.cur->pid) gone = true;
		else sleep_ms(50);
	}
	if (!gone) {
		kill(S.cur->pid, SIGKILL);
		waitpid(S.cur->pid, &st, 0);
		snprintf(why, whylen, "citkit serve did not stop within 30 s of SIGTERM");
	}
	S.cur->pid = 0;
	if (gone && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		snprintf(why, whylen, "citkit serve ended with %s %d after SIGTERM (want exit 0)",
			 WIFEXITED(st) ? "exit" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	char *err = slurp(S.cur->server_err, NULL);
	for (int i = 0; err && sanitizer_marks[i] && !why[0]; i++) {
		const char *m = strstr(err, sanitizer_marks[i]);
		if (m) snprintf(why, whylen, "sanitizer report in server log: %.300s", m);
	}
	free(err);
	return why[0] == '\0';
}

void suite_setup(void)
{
	S.bin = getenv("CITKIT_BIN");
	S.work = getenv("CITKIT_HTTP_WORK");
	const char *db = getenv("CITKIT_HTTP_DB");
	if (!S.bin || !S.work || !db)
		fail_msg("set CITKIT_BIN, CITKIT_HTTP_WORK and CITKIT_HTTP_DB (tests/run does)");
	mkdir(S.work, 0700);
	/* Absolute: commands run with the scratch folder as their directory. */
	static char work_abs[PATH_MAX], bin_abs[PATH_MAX];
	if (!realpath(S.work, work_abs) || !realpath(S.bin, bin_abs))
		fail_msg("CITKIT_HTTP_WORK or CITKIT_BIN does not exist: %s", strerror(errno));
	S.work = work_abs;
	S.bin = bin_abs;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (strcmp(db, "sqlite") == 0) {
		snprintf(S.db, sizeof S.db, "%s/citkit.db", S.work);
		unlink(S.db);
	} else {
		snprintf(S.db, sizeof S.db, "%s", db);
		S.is_pg = true;
		pg_reset(S.db);
	}
	cli_ok("init", cli(NULL, NULL, "init", "--db", S.db, NULL));
	cli_ok("demo", cli(NULL, NULL, "demo", "--db", S.db, NULL));
	S.cur = &S.plain;
	server_start(&S.plain, "server", NULL);
}

void suite_teardown(void)
{
	char why[512];
	if (S.tls.pid > 0) {
		S.cur = &S.tls;
		server_stop(why, sizeof why);
	}
	S.cur = &S.plain;
	if (S.plain.pid > 0) server_stop(why, sizeof why);
	curl_global_cleanup();
}

void user_make(tuser *u, const char *roles, int64_t org_id)
{
	memset(u, 0, sizeof *u);
	S.n_users++;
	snprintf(u->email, sizeof u->email, "http%d.%s.%ld@suite.example", S.n_users,
		 strtok(strcpy(u->roles, roles), ","), (long)getpid());
	snprintf(u->roles, sizeof u->roles, "%s", roles);
	snprintf(u->name, sizeof u->name, "Suite Person %d", S.n_users);
	snprintf(u->password, sizeof u->password, "Quiet-Harbor-Lantern-%d-Ferry", S.n_users);
	u->org_id = org_id;
	char org[32], pw[80];
	snprintf(org, sizeof org, "%ld", (long)org_id);
	snprintf(pw, sizeof pw, "%s\n", u->password);
	cli_ok("user add", cli(pw, NULL, "user", "add", "--db", S.db, "--email", u->email,
			       "--name", u->name, "--org", org, "--role", u->roles,
			       "--password-stdin", NULL));
}

/* ---- HTTP ---- */

typedef struct grow {
	char *p;
	size_t n;
} grow;

static size_t grow_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	grow *g = ctx;
	size_t len = size * nmemb;
	char *p = realloc(g->p, g->n + len + 1);
	if (!p) return 0;
	memcpy(p + g->n, data, len);
	g->n += len;
	p[g->n] = '\0';
	g->p = p;
	return len;
}

static bool ieq_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

const char *hresp_header(const hresp *r, const char *name)
{
	static char value[4096];
	size_t nlen = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ') v++;
			size_t vlen = len - (size_t)(v - line);
			while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == ' ')) vlen--;
			if (vlen >= sizeof value) vlen = sizeof value - 1;
			memcpy(value, v, vlen);
			value[vlen] = '\0';
			return value;
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static void jar_set(agent *a, const char *name, size_t nlen, const char *value, size_t vlen,
		    bool remove)
{
	size_t i;
	for (i = 0; i < a->n_cookies; i++)
		if (strlen(a->jar[i].name) == nlen && memcmp(a->jar[i].name, name, nlen) == 0) break;
	if (remove) {
		if (i < a->n_cookies) a->jar[i] = a->jar[--a->n_cookies];
		return;
	}
	if (i == a->n_cookies) {
		if (a->n_cookies == JAR_MAX) fail_msg("more than %d cookies", JAR_MAX);
		a->n_cookies++;
	}
	if (nlen >= sizeof a->jar[i].name || vlen >= sizeof a->jar[i].value)
		fail_msg("cookie too long: %.*s", (int)nlen, name);
	memcpy(a->jar[i].name, name, nlen);
	a->jar[i].name[nlen] = '\0';
	memcpy(a->jar[i].value, value, vlen);
	a->jar[i].value[vlen] = '\0';
}

/* Keeps the agent's jar as a browser would: Set-Cookie sets, Max-Age=0
 * or an empty value deletes. */
static void jar_update(agent *a, const hresp *r)
{
	for (const char *line = r->headers; line && *line;) {
		const char *eol = strchr(line, '\n');
		if (ieq_prefix(line, "Set-Cookie:")) {
			const char *c = line + 11;
			while (*c == ' ') c++;
			const char *eq = strchr(c, '=');
			const char *semi = strpbrk(c, ";\r\n");
			if (eq && (!semi || eq < semi)) {
				const char *v = eq + 1;
				size_t vlen = semi ? (size_t)(semi - v) : strlen(v);
				char attrs[1024] = "";
				if (semi) {
					size_t alen = eol ? (size_t)(eol - semi) : strlen(semi);
					if (alen >= sizeof attrs) alen = sizeof attrs - 1;
					memcpy(attrs, semi, alen);
					attrs[alen] = '\0';
				}
				bool remove = vlen == 0 || strcasestr(attrs, "Max-Age=0") != NULL;
				jar_set(a, c, (size_t)(eq - c), v, vlen, remove);
			}
		}
		line = eol ? eol + 1 : NULL;
	}
}

/* tidy's warnings that are wrong about HTML5. tidy 5.6 (Debian 12) predates
 * these standard attributes and calls them "proprietary": inputmode,
 * enterkeyhint, autocapitalize and minlength (WHATWG HTML), aria-current (WAI-ARIA
 * 1.1, marks the current page in the navigation) and shape-rendering (an
 * SVG 1.1 presentation attribute on inline SVG: crisp QR codes). Every
 * other warning (an empty element trimmed, a missing alt, bad nesting, an
 * unknown attribute or element, a duplicate id) is a defect in our markup
 * and fails the test, like every error. */
static const char *tidy_allowed[] = {
	"proprietary attribute \"inputmode\"",
	"proprietary attribute \"enterkeyhint\"",
	"proprietary attribute \"autocapitalize\"",
	"proprietary attribute \"minlength\"",
	"proprietary attribute \"aria-current\"",
	"<svg> proprietary attribute \"shape-rendering\"",
	NULL,
};

/* HTML 5.2 lets a <div> group each <dt>/<dd> pair of a <dl> (for styling);
 * tidy 5.6 predates that and reports the grouping as broken nesting. The
 * copy given to tidy drops exactly those <div> and </div> tags (the direct
 * children of a <dl>), so tidy still checks the <dl>, <dt> and <dd>
 * structure and everything else as strictly as before. */
static char *ungroup_dl(const char *html, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	size_t n = 0;
	int in_dl = 0, div_depth = 0;
	bool drop_close[64] = {false};
	for (size_t i = 0; i < len;) {
		const char *p = html + i;
		size_t tag_len = 0;
		if (*p == '<') {
			const char *gt = memchr(p, '>', len - i);
			tag_len = gt ? (size_t)(gt - p) + 1 : 0;
		}
		bool drop = false;
		if (tag_len) {
			if (strncasecmp(p, "<dl", 3) == 0 && (p[3] == '>' || p[3] == ' ')) {
				in_dl++;
				div_depth = 0;
			} else if (strncasecmp(p, "</dl>", 5) == 0 && in_dl > 0) {
				in_dl--;
			} else if (in_dl && strncasecmp(p, "<div", 4) == 0 && (p[4] == '>' || p[4] == ' ')) {
				if (div_depth < 64) drop_close[div_depth] = div_depth == 0;
				drop = div_depth == 0;
				div_depth++;
			} else if (in_dl && strncasecmp(p, "</div>", 6) == 0 && div_depth > 0) {
				div_depth--;
				drop = div_depth < 64 && drop_close[div_depth];
			}
		}
		if (drop) {
			i += tag_len;
			continue;
		}
		size_t k = tag_len ? tag_len : 1;
		memcpy(out + n, p, k);
		n += k;
		i += k;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

static void check_tidy(const char *path_hint, const hresp *r)
{
	char page[1100], out[1100], err[1100];
	S.n_pages++;
	snprintf(page, sizeof page, "%s/page-%d.html", S.work, S.n_pages);
	snprintf(out, sizeof out, "%s/tidy-out", S.work);
	snprintf(err, sizeof err, "%s/tidy-%d.txt", S.work, S.n_pages);
	size_t tlen;
	char *tidy_copy = ungroup_dl(r->body, r->len, &tlen);
	write_file(page, tidy_copy, tlen);
	free(tidy_copy);
	unlink(err);
	char *argv[] = {"/usr/bin/tidy", "-q", "-e", "-utf8", page, NULL};
	int code = run_argv(argv, NULL, out, err);
	char *report = slurp(err, NULL);
	char bad[4096] = "";
	size_t nbad = 0;
	for (char *line = report; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol) *eol = '\0';
		bool allowed = false;
		for (int i = 0; tidy_allowed[i]; i++)
			if (strstr(line, tidy_allowed[i])) allowed = true;
		if (*line && !allowed && nbad < sizeof bad - 200)
			nbad += (size_t)snprintf(bad + nbad, sizeof bad - nbad, "  %s\n", line);
		line = eol ? eol + 1 : NULL;
	}
	free(report);
	if (code > 2 || code < 0) fail_msg("tidy could not run (exit %d)", code);
	if (code == 2 || nbad > 0)
		fail_msg("tidy on %s (saved as %s):\n%s", path_hint, page, bad);
	unlink(page);
	unlink(err);
	unlink(out);
}

/* The headers every response carries (DESIGN.md, "Safe by default"). */
static void check_headers(const char *path, const hresp *r)
{
	const char *csp = hresp_header(r, "Content-Security-Policy");
	if (!csp) fail_msg("%s: no Content-Security-Policy", path);
	char cspv[4096];
	snprintf(cspv, sizeof cspv, "%s", csp);
	if (!strstr(cspv, "frame-ancestors 'none'"))
		fail_msg("%s: CSP without frame-ancestors 'none': %s", path, cspv);
	const char *script = strstr(cspv, "script-src");
	if (!script) script = strstr(cspv, "default-src");
	if (!script) fail_msg("%s: CSP names neither script-src nor default-src: %s", path, cspv);
	size_t dlen = strcspn(script, ";");
	char directive[1024];
	snprintf(directive, sizeof directive, "%.*s", (int)dlen, script);
	if (strstr(directive, "'unsafe-inline'") || strstr(directive, "'unsafe-eval'"))
		fail_msg("%s: CSP allows inline script: %s", path, directive);
	const char *nosniff = hresp_header(r, "X-Content-Type-Options");
	if (!nosniff || strcasecmp(nosniff, "nosniff") != 0)
		fail_msg("%s: X-Content-Type-Options is not nosniff", path);
	if (!hresp_header(r, "Referrer-Policy")) fail_msg("%s: no Referrer-Policy", path);
}

void http(agent *a, const char *method, const char *path, const char *ctype, const char *body,
	  size_t len, const char *const *extra, hresp *r)
{
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	if (!c) fail_msg("curl_easy_init");
	char url[2048];
	snprintf(url, sizeof url, "%s%s", S.cur->base, path);
	grow body_g = {0}, head_g = {0};
	struct curl_slist *hs = NULL;
	char line[2048];
	hs = curl_slist_append(hs, "Expect:");
	if (ctype) {
		snprintf(line, sizeof line, "Content-Type: %s", ctype);
		hs = curl_slist_append(hs, line);
	}
	if (a && a->bearer[0]) {
		snprintf(line, sizeof line, "Authorization: Bearer %s", a->bearer);
		hs = curl_slist_append(hs, line);
	}
	if (a && a->n_cookies) {
		size_t n = (size_t)snprintf(line, sizeof line, "Cookie: ");
		for (size_t i = 0; i < a->n_cookies && n < sizeof line; i++)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s%s=%s", i ? "; " : "",
					      a->jar[i].name, a->jar[i].value);
		hs = curl_slist_append(hs, line);
	}
	for (size_t i = 0; extra && extra[i]; i++) hs = curl_slist_append(hs, extra[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, grow_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body_g);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, grow_write);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &head_g);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "citkit-http-suite");
	if (S.cur->cainfo[0]) curl_easy_setopt(c, CURLOPT_CAINFO, S.cur->cainfo);
	if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	r->body = body_g.p ? body_g.p : strdup("");
	r->len = body_g.n;
	r->headers = head_g.p ? head_g.p : strdup("");
	if (rc != CURLE_OK) fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	const char *ct = hresp_header(r, "Content-Type");
	snprintf(r->content_type, sizeof r->content_type, "%s", ct ? ct : "");
	const char *loc = hresp_header(r, "Location");
	snprintf(r->location, sizeof r->location, "%s", loc ? loc : "");
	/* An absolute Location on our own base counts as the path. */
	size_t blen = strlen(S.cur->base);
	if (strncmp(r->location, S.cur->base, blen) == 0)
		memmove(r->location, r->location + blen, strlen(r->location) - blen + 1);
	if (a) jar_update(a, r);
	check_headers(path, r);
	if (strncmp(r->content_type, "text/html", 9) == 0 && r->len > 0) {
		check_tidy(path, r);
		if (a) html_input_value(r->body, "csrf", a->csrf, sizeof a->csrf);
	}
}

void http_get(agent *a, const char *path, hresp *r)
{
	http(a, "GET", path, NULL, NULL, 0, NULL, r);
}

void http_post_form(agent *a, const char *path, const char *fields, hresp *r)
{
	char origin[256];
	snprintf(origin, sizeof origin, "Origin: %s", S.cur->base);
	const char *extra[] = {origin, "Sec-Fetch-Site: same-origin", NULL};
	size_t cap = strlen(fields) + sizeof a->csrf * 3 + 16;
	char *body = malloc(cap);
	if (strncmp(fields, "csrf=", 5) == 0 || strstr(fields, "&csrf=") || !a->csrf[0])
		snprintf(body, cap, "%s", fields);
	else
		snprintf(body, cap, "%s%scsrf=%s", fields, *fields ? "&" : "", form_enc(a->csrf));
	http(a, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), extra, r);
	free(body);
}

void http_json(agent *a, const char *method, const char *path, const char *json, hresp *r)
{
	http(a, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0, NULL,
	     r);
}

void hresp_free(hresp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

json_t *hresp_json(const hresp *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body, r->len, 0, &e);
	if (!j) fail_msg("not JSON (%s) [%ld %s]: %.400s", e.text, r->status, r->content_type, r->body);
	return j;
}

const char *form_enc(const char *s)
{
	static char bufs[4][2048];
	static int k;
	char *out = bufs[k++ % 4];
	size_t n = 0;
	for (; *s && n < sizeof bufs[0] - 4; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') out[n++] = (char)ch;
		else n += (size_t)snprintf(out + n, 4, "%%%02X", ch);
	}
	out[n] = '\0';
	return out;
}

/* Finds <input … name="NAME" … value="V"> (attributes in any order) and
 * decodes the few entities an escaping writer produces. */
bool html_input_value(const char *html, const char *name, char *out, size_t outlen)
{
	char needle[128];
	snprintf(needle, sizeof needle, "name=\"%s\"", name);
	for (const char *p = strstr(html, needle); p; p = strstr(p + 1, needle)) {
		const char *open = p;
		while (open > html && *open != '<') open--;
		const char *close = strchr(p, '>');
		if (!close || strncasecmp(open, "<input", 6) != 0) continue;
		const char *v = strstr(open, " value=\"");
		if (!v || v > close) continue;
		v += 8;
		size_t n = 0;
		while (*v && *v != '"' && n + 1 < outlen) {
			if (*v == '&') {
				static const struct {
					const char *ent;
					char ch;
				} ents[] = {{"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''},
					    {"&#x27;", '\''}, {"&lt;", '<'}, {"&gt;", '>'}};
				bool done = false;
				for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
					size_t el = strlen(ents[k].ent);
					if (strncmp(v, ents[k].ent, el) == 0) {
						out[n++] = ents[k].ch;
						v += el;
						done = true;
					}
				}
				if (!done) out[n++] = *v++;
			} else {
				out[n++] = *v++;
			}
		}
		out[n] = '\0';
		return true;
	}
	return false;
}

void expect_status_at(const hresp *r, long want, const char *file, int line)
{
	if (r->status != want)
		fail_msg("%s:%d: status %ld, want %ld (Location: %s)\n%.600s", file, line, r->status,
			 want, r->location, r->body);
}

void expect_redirect_at(const hresp *r, const char *prefix, const char *file, int line)
{
	if (r->status != 303 || strncmp(r->location, prefix, strlen(prefix)) != 0)
		fail_msg("%s:%d: status %ld to \"%s\", want 303 to %s…\n%.400s", file, line, r->status,
			 r->location, prefix, r->body);
}

/* ---- TOTP ---- */

int64_t totp_step_now(void)
{
	return (int64_t)time(NULL) / 30;
}

void totp_code(const tuser *u, int64_t step, char out[7])
{
	char *raw = NULL;
	size_t rawlen = 0;
	oath_init();
	if (oath_base32_decode(u->totp_secret, strlen(u->totp_secret), &raw, &rawlen) != OATH_OK)
		fail_msg("TOTP secret is not base32: %s", u->totp_secret);
	if (oath_totp_generate(raw, rawlen, (time_t)(step * 30), 30, 0, 6, out) != OATH_OK)
		fail_msg("oath_totp_generate failed");
	free(raw);
	oath_done();
}

void totp_wait_fresh(tuser *u)
{
	while (totp_step_now() <= u->totp_last_step) sleep_ms(250);
}

/* The secret shown on the enrolment page: the otpauth:// URI's secret=
 * when the page carries one, else the longest run of base32 characters
 * (groups of four may be spaced for reading). */
static bool find_secret(const char *html, char *out, size_t outlen)
{
	const char *s = strstr(html, "secret=");
	if (s) {
		s += 7;
		size_t n = 0;
		while (n + 1 < outlen && ((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7')))
			out[n++] = *s++;
		out[n] = '\0';
		if (n >= 16) return true;
	}
	size_t best = 0;
	for (const char *p = html; *p; p++) {
		if (p > html && (isalnum((unsigned char)p[-1]))) continue;
		char tmp[128];
		size_t n = 0;
		const char *q = p;
		while (*q && n + 1 < sizeof tmp) {
			if ((*q >= 'A' && *q <= 'Z') || (*q >= '2' && *q <= '7')) tmp[n++] = *q++;
			else if (*q == ' ' && n > 0 && ((q[1] >= 'A' && q[1] <= 'Z') || (q[1] >= '2' && q[1] <= '7'))) q++;
			else break;
		}
		if (isalnum((unsigned char)*q) || *q == '_') continue;
		tmp[n] = '\0';
		if (n >= 16 && n > best && n < outlen) {
			best = n;
			memcpy(out, tmp, n + 1);
		}
	}
	return best > 0;
}

void totp_enrol(agent *a, tuser *u)
{
	hresp r;
	http_get(a, "/account/totp", &r);
	expect_status(&r, 200);
	if (!find_secret(r.body, u->totp_secret, sizeof u->totp_secret))
		fail_msg("no TOTP secret in the text of /account/totp:\n%.800s", r.body);
	hresp_free(&r);
	char code[7], fields[256];
	u->totp_last_step = totp_step_now();
	totp_code(u, u->totp_last_step, code);
	snprintf(fields, sizeof fields, "code=%s", code);
	http_post_form(a, "/account/totp", fields, &r);
	if (r.status != 303) fail_msg("TOTP enrolment refused (%ld):\n%.800s", r.status, r.body);
	hresp_free(&r);
}

static void post_password(agent *a, tuser *u, hresp *r)
{
	hresp page;
	http_get(a, "/login", &page);
	expect_status(&page, 200);
	hresp_free(&page);
	char fields[512];
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u->email),
		 form_enc(u->password));
	http_post_form(a, "/login", fields, r);
}

void login(agent *a, tuser *u)
{
	hresp r;
	post_password(a, u, &r);
	if (r.status != 303)
		fail_msg("login of %s refused (%ld):\n%.600s", u->email, r.status, r.body);
	if (strncmp(r.location, "/login/totp", 11) == 0) {
		hresp_free(&r);
		http_get(a, "/login/totp", &r);
		expect_status(&r, 200);
		hresp_free(&r);
		totp_wait_fresh(u);
		char code[7], fields[64];
		u->totp_last_step = totp_step_now();
		totp_code(u, u->totp_last_step, code);
		snprintf(fields, sizeof fields, "code=%s", code);
		http_post_form(a, "/login/totp", fields, &r);
		if (r.status != 303)
			fail_msg("TOTP code refused for %s (%ld):\n%.600s", u->email, r.status, r.body);
	}
	hresp_free(&r);
	http_get(a, "/", &r);
	if (r.status == 303 && strncmp(r.location, "/account/totp", 13) == 0) {
		hresp_free(&r);
		totp_enrol(a, u);
		http_get(a, "/", &r);
	}
	expect_status(&r, 200);
	hresp_free(&r);
}

/* ---- the suite's admin ---- */

tuser *admin_user(void)
{
	return &S.admin;
}

agent *admin_agent(void)
{
	if (!S.admin_ready) {
		user_make(&S.admin, "admin", 1);
		memset(&S.admin_agent, 0, sizeof S.admin_agent);
		login(&S.admin_agent, &S.admin);
		S.admin_ready = true;
	}
	return &S.admin_agent;
}

static void last_word(const char *s, char *out, size_t outlen)
{
	const char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1])) end--;
	const char *start = end;
	while (start > s && !isspace((unsigned char)start[-1])) start--;
	size_t n = (size_t)(end - start);
	if (n >= outlen) n = outlen - 1;
	memcpy(out, start, n);
	out[n] = '\0';
}

/* `citkit token create` prints the token; it is the last word printed. */
static void token_for(const char *email, char *out, size_t outlen)
{
	char *o = NULL;
	cli_ok("token create", cli(NULL, &o, "token", "create", "--db", S.db, "--email", email, NULL));
	last_word(o, out, outlen);
	free(o);
	if (!out[0]) fail_msg("citkit token create printed no token");
}

const char *admin_token(void)
{
	if (!S.admin_token[0]) {
		admin_agent();
		token_for(S.admin.email, S.admin_token, sizeof S.admin_token);
	}
	return S.admin_token;
}

int64_t user_id_of(tuser *u)
{
	if (u->id) return u->id;
	agent api = {0};
	snprintf(api.bearer, sizeof api.bearer, "%s", admin_token());
	char path[512];
	snprintf(path, sizeof path, "/api/v1/users?limit=200&q=%s", form_enc(u->email));
	for (int page = 0; page < 200 && !u->id; page++) {
		hresp r;
		http_get(&api, path, &r);
		expect_status(&r, 200);
		json_t *j = hresp_json(&r);
		json_t *list = json_object_get(j, "items");
		if (!json_is_array(list)) fail_msg("GET /api/v1/users: no items array: %.300s", r.body);
		size_t i;
		json_t *it;
		json_array_foreach(list, i, it) {
			const char *e = json_string_value(json_object_get(it, "email"));
			if (e && strcasecmp(e, u->email) == 0)
				u->id = json_integer_value(json_object_get(it, "id"));
		}
		const char *next = json_string_value(json_object_get(j, "next_cursor"));
		if (!u->id && (!next || !*next)) {
			json_decref(j);
			hresp_free(&r);
			break;
		}
		if (next)
			snprintf(path, sizeof path, "/api/v1/users?limit=200&q=%s&cursor=%s",
				 form_enc(u->email), form_enc(next));
		json_decref(j);
		hresp_free(&r);
	}
	if (!u->id) fail_msg("user %s not found through GET /api/v1/users", u->email);
	return u->id;
}

void harness_token_for(const char *email, char *out, size_t outlen)
{
	token_for(email, out, outlen);
}

/* A self-signed certificate for 127.0.0.1 (openssl), a configuration file
 * naming it, and a second `citkit serve` over HTTPS on the same database;
 * requests go to it until tls_server_stop(). */
void tls_server_start(void)
{
	char cert[1100], key[1100], config[1100], subj[64] = "/CN=127.0.0.1";
	snprintf(cert, sizeof cert, "%s/tls-cert.pem", S.work);
	snprintf(key, sizeof key, "%s/tls-key.pem", S.work);
	snprintf(config, sizeof config, "%s/tls.ini", S.work);
	char out[1100], err[1100];
	snprintf(out, sizeof out, "%s/openssl.out", S.work);
	snprintf(err, sizeof err, "%s/openssl.err", S.work);
	char *argv[] = {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
			"ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", subj,
			"-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
			NULL};
	int code = run_argv(argv, NULL, out, err);
	if (code != 0) fail_msg("openssl could not make a test certificate (exit %d)", code);
	char ini[2600];
	snprintf(ini, sizeof ini, "[server]\ntls_cert = %s\ntls_key = %s\n", cert, key);
	write_file(config, ini, strlen(ini));
	memset(&S.tls, 0, sizeof S.tls);
	snprintf(S.tls.cainfo, sizeof S.tls.cainfo, "%s", cert);
	server_start(&S.tls, "server-tls", config);
	S.cur = &S.tls;
	if (strncmp(S.tls.base, "https://", 8) != 0)
		fail_msg("citkit serve with a certificate announced %s, want https://", S.tls.base);
}

bool tls_server_stop(char *why, size_t whylen)
{
	S.cur = &S.tls;
	bool ok = server_stop(why, whylen);
	S.cur = &S.plain;
	return ok;
}

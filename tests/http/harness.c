/* harness.c: the HTTP suite's server and command-line plumbing (see
 * harness.h): the scratch folder, a fresh database, `citkit` commands, the
 * plain and TLS `citkit serve` processes, the suite's users and admin.
 * client.c speaks HTTP to the server; signin.c signs in through the pages. */
#include "harness.h"
#include "harness_internal.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One running `citkit serve`: the suite's plain-HTTP server, for the TLS
 * test a second one over HTTPS on the same database, and for the
 * two-process tests a peer over plain HTTP on the same database. */
typedef struct server {
	pid_t pid;
	char base[128];
	char server_out[1024], server_err[1024];
	char cainfo[1100]; /* the certificate curl trusts (TLS only) */
} server;

static struct {
	const char *bin, *work;
	char db[1024];
	bool is_pg;
	server plain, tls, peer;
	server *cur;
	int n_users, n_runs, n_peers;
	tuser admin;
	agent admin_agent;
	bool admin_ready;
	char admin_token[256];
} S;

const char *base_url(void)
{
	return S.cur->base;
}
const char *db_url(void)
{
	return S.db;
}
bool on_postgres(void)
{
	return S.is_pg;
}
const char *harness_work(void)
{
	return S.work;
}
const char *harness_cainfo(void)
{
	return S.cur->cainfo;
}

void harness_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

char *harness_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
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
	if (!p)
		return NULL;
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

void harness_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len)
		fail_msg("short write to %s", path);
	fclose(f);
}

/* Runs argv with stdin from stdin_path (or /dev/null), stdout and stderr to
 * files; returns the exit status, 128+signal when killed. */
int harness_run(char *const argv[], const char *stdin_path, const char *out_path,
                const char *err_path)
{
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		/* In the scratch folder: files a command makes beside itself (the
		 * PostgreSQL secret key, citkit.key) must not land in the repo. */
		if (S.work && chdir(S.work) != 0)
			_exit(126);
		int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
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
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;

	char in_path[1100], out_path[1100], err_path[1100];
	snprintf(in_path, sizeof in_path, "%s/cli-%d.in", S.work, ++S.n_runs);
	snprintf(out_path, sizeof out_path, "%s/cli-%d.out", S.work, S.n_runs);
	snprintf(err_path, sizeof err_path, "%s/cli.err", S.work);
	if (stdin_text)
		harness_write(in_path, stdin_text, strlen(stdin_text));
	int code = harness_run(argv, stdin_text ? in_path : NULL, out_path, err_path);
	if (out) {
		*out = harness_slurp(out_path, NULL);
		if (!*out)
			*out = strdup("");
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
		char *e = harness_slurp(path, NULL);
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
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("PostgreSQL %s: %s", url, PQerrorMessage(c));
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
	/* A file left by an earlier server of this name would announce its
	 * old address before the child truncates it: gone before the fork. */
	unlink(sv->server_out);
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (chdir(S.work) != 0)
			_exit(126);
		int in = open("/dev/null", O_RDONLY);
		int out = open(sv->server_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(sv->server_err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		if (config)
			execl(S.bin, S.bin, "--config", config, "serve", "--db", S.db, "--listen",
			      "127.0.0.1:0", (char *)NULL);
		else
			execl(S.bin, S.bin, "serve", "--db", S.db, "--listen", "127.0.0.1:0",
			      (char *)NULL);
		_exit(127);
	}
	sv->pid = pid;
	/* The serve command announces its address on stdout: "citkit serving
	 * … at http://ADDR:PORT". Wait for that line (not a speed check: a
	 * server that never says it is a failure, after a generous while). */
	for (int i = 0; i < 1200; i++) {
		char *out = harness_slurp(sv->server_out, NULL);
		const char *at = out ? strstr(out, " at http") : NULL;
		if (at) {
			at += 4;
			size_t n = strcspn(at, " \r\n");
			if (n >= sizeof sv->base)
				n = sizeof sv->base - 1;
			memcpy(sv->base, at, n);
			sv->base[n] = '\0';
			while (n > 0 && sv->base[n - 1] == '/')
				sv->base[--n] = '\0';
			free(out);
			return;
		}
		free(out);
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			sv->pid = 0;
			char *err = harness_slurp(sv->server_err, NULL);
			char msg[4096];
			snprintf(msg, sizeof msg, "%s", err ? err : "");
			free(err);
			fail_msg("citkit serve exited before serving:\n%s", msg);
		}
		harness_sleep_ms(50);
	}
	fail_msg("citkit serve printed no \"citkit serving … at http://ADDR:PORT\" line in 60 s");
}

static const char *sanitizer_marks[] = {
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "SUMMARY: UndefinedBehaviorSanitizer",
    NULL,
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
		if (waitpid(S.cur->pid, &st, WNOHANG) == S.cur->pid)
			gone = true;
		else
			harness_sleep_ms(50);
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
	char *err = harness_slurp(S.cur->server_err, NULL);
	for (int i = 0; err && sanitizer_marks[i] && !why[0]; i++) {
		const char *m = strstr(err, sanitizer_marks[i]);
		if (m)
			snprintf(why, whylen, "sanitizer report in server log: %.300s", m);
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
	if (S.peer.pid > 0) {
		S.cur = &S.peer;
		server_stop(why, sizeof why);
	}
	S.cur = &S.plain;
	if (S.plain.pid > 0)
		server_stop(why, sizeof why);
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
	cli_ok("user add",
	       cli(pw, NULL, "user", "add", "--db", S.db, "--email", u->email, "--name", u->name,
	           "--org", org, "--role", u->roles, "--password-stdin", NULL));
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
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	const char *start = end;
	while (start > s && !isspace((unsigned char)start[-1]))
		start--;
	size_t n = (size_t)(end - start);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, start, n);
	out[n] = '\0';
}

/* `citkit token create` prints the token; it is the last word printed. */
static void token_for(const char *email, char *out, size_t outlen)
{
	char *o = NULL;
	cli_ok("token create",
	       cli(NULL, &o, "token", "create", "--db", S.db, "--email", email, NULL));
	last_word(o, out, outlen);
	free(o);
	if (!out[0])
		fail_msg("citkit token create printed no token");
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
	if (u->id)
		return u->id;
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
		if (!json_is_array(list))
			fail_msg("GET /api/v1/users: no items array: %.300s", r.body);
		size_t i;
		json_t *it;
		json_array_foreach(list, i, it)
		{
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
	if (!u->id)
		fail_msg("user %s not found through GET /api/v1/users", u->email);
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
	char *argv[] = {"/usr/bin/openssl",
	                "req",
	                "-x509",
	                "-newkey",
	                "ec",
	                "-pkeyopt",
	                "ec_paramgen_curve:prime256v1",
	                "-nodes",
	                "-days",
	                "2",
	                "-subj",
	                subj,
	                "-addext",
	                "subjectAltName=IP:127.0.0.1",
	                "-keyout",
	                key,
	                "-out",
	                cert,
	                NULL};
	int code = harness_run(argv, NULL, out, err);
	if (code != 0)
		fail_msg("openssl could not make a test certificate (exit %d)", code);
	char ini[2600];
	snprintf(ini, sizeof ini, "[server]\ntls_cert = %s\ntls_key = %s\n", cert, key);
	harness_write(config, ini, strlen(ini));
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

/* A second `citkit serve` (plain HTTP, its own port) on the suite's
 * database; requests keep going to the first server. */
const char *peer_server_start(void)
{
	return peer_server_start_ini(NULL);
}

const char *peer_server_start_ini(const char *ini)
{
	char config[1100];
	if (ini) {
		snprintf(config, sizeof config, "%s/peer.ini", S.work);
		harness_write(config, ini, strlen(ini));
	}
	memset(&S.peer, 0, sizeof S.peer);
	server *keep = S.cur;
	/* A log of its own for each peer: tests/run scans every server*.log
	 * for sanitizer reports, the route check reads their requests. */
	char name[32];
	snprintf(name, sizeof name, "server-peer-%d", ++S.n_peers);
	server_start(&S.peer, name, ini ? config : NULL);
	S.cur = keep;
	return S.peer.base;
}

void use_peer(bool on)
{
	S.cur = on && S.peer.pid > 0 ? &S.peer : &S.plain;
}

bool peer_server_stop(char *why, size_t whylen)
{
	server *keep = S.cur;
	S.cur = &S.peer;
	bool ok = server_stop(why, whylen);
	S.cur = keep == &S.peer ? &S.plain : keep;
	return ok;
}

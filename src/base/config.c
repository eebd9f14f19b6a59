/* config.c: the INI configuration file, read with inih. Every setting is
 * one row of settings[] below (section, key, kind, where it goes, bounds),
 * so the parser, its error messages and docs/citkit.ini.example stay in
 * step. Unknown sections and keys, repeated keys and values out of range are
 * errors naming file:line: a typo in a security setting must not silently
 * leave the default in force. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../auth/roles.h"
#include "errors.h"

typedef enum setting_kind {
	SET_TEXT,     /* any text that fits */
	SET_INT,      /* int within [min, max] */
	SET_SIZE,     /* size_t within [min, max] */
	SET_SYNC,     /* FULL or NORMAL */
	SET_LISTEN,   /* ADDR:PORT */
	SET_TIMEZONE, /* IANA zone name */
	SET_ROLES,    /* comma-separated role names, may be empty */
} setting_kind;

typedef struct setting {
	const char *section, *key;
	setting_kind kind;
	size_t offset, size; /* where in struct config, and its size */
	long long min, max;
} setting;

/* clang-format off */
#define TEXT(sec, key, field) {sec, key, SET_TEXT, offsetof(config, field), sizeof(((config *)0)->field), 0, 0}
#define KIND(sec, key, kind, field) {sec, key, kind, offsetof(config, field), sizeof(((config *)0)->field), 0, 0}
#define NUM(sec, key, kind, field, lo, hi) {sec, key, kind, offsetof(config, field), sizeof(((config *)0)->field), lo, hi}

static const setting settings[] = {
	TEXT("database", "url", db),
	KIND("database", "sqlite_synchronous", SET_SYNC, sqlite_synchronous),
	KIND("server", "listen", SET_LISTEN, listen),
	NUM("server", "threads", SET_INT, threads, 0, 256),
	TEXT("server", "tls_cert", tls_cert),
	TEXT("server", "tls_key", tls_key),
	NUM("server", "max_body_bytes", SET_SIZE, max_body_bytes, 1024, 64LL << 20),
	NUM("server", "max_upload_bytes", SET_SIZE, max_upload_bytes, 1024, 1LL << 30),
	NUM("server", "stream_heartbeat_seconds", SET_INT, sse_heartbeat_seconds, 1, 50),
	TEXT("program", "name", program_name),
	KIND("program", "timezone", SET_TIMEZONE, timezone),
	TEXT("program", "public_url", public_url),
	TEXT("security", "secret_key_file", secret_key_file),
	NUM("security", "session_idle_minutes", SET_INT, session_idle_minutes, 1, 24 * 60),
	NUM("security", "session_absolute_hours", SET_INT, session_absolute_hours, 1, 7 * 24),
	NUM("security", "lockout_failures", SET_INT, lockout_failures, 1, 100),
	NUM("security", "lockout_window_minutes", SET_INT, lockout_window_minutes, 1, 24 * 60),
	KIND("security", "totp_required_roles", SET_ROLES, totp_required_roles),
};

/* clang-format on */

enum { N_SETTINGS = sizeof settings / sizeof settings[0] };

/* What the inih callback needs: the target, which keys were seen (to catch
 * repeats) and the first problem. */
typedef struct parse_state {
	config *c;
	bool seen[N_SETTINGS];
	char problem[256];
} parse_state;

void config_defaults(config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->db, sizeof c->db, "var/citkit.db");
	snprintf(c->sqlite_synchronous, sizeof c->sqlite_synchronous, "FULL");
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	c->threads = 0;
	c->max_body_bytes = 1u << 20;
	c->max_upload_bytes = 8u << 20;
	c->sse_heartbeat_seconds = 15;
	snprintf(c->program_name, sizeof c->program_name, "Pine Belt Regional CIT");
	snprintf(c->timezone, sizeof c->timezone, "America/Chicago");
	c->session_idle_minutes = 30;
	c->session_absolute_hours = 12;
	c->lockout_failures = 5;
	c->lockout_window_minutes = 15;
	snprintf(c->totp_required_roles, sizeof c->totp_required_roles, "admin,coordinator");
}

static int problem(parse_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the problem and returns 0, which tells inih the line is bad. */
static int problem(parse_state *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->problem, sizeof st->problem, fmt, ap);
	va_end(ap);
	return 0;
}

static bool parse_number(const char *v, long long *out)
{
	if (!*v)
		return false;
	errno = 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

/* ADDR:PORT where ADDR is a name, an IPv4 address or [IPv6]. */
bool config_is_listen_address(const char *v)
{
	const char *colon = strrchr(v, ':');
	if (!colon || colon == v)
		return false;
	if (v[0] == '[' && colon[-1] != ']')
		return false;
	long long port;
	return parse_number(colon + 1, &port) && port >= 0 && port <= 65535;
}

/* An IANA name such as America/Chicago or UTC: letters, digits, _ + - and
 * single slashes, no leading slash, no "..". */
static bool is_timezone(const char *v)
{
	if (!*v || *v == '/' || strstr(v, "..") || strstr(v, "//"))
		return false;
	for (const char *p = v; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-/",
		            *p))
			return false;
	return true;
}

static int apply(parse_state *st, const setting *s, const char *value)
{
	char *field = (char *)st->c + s->offset;
	long long n;
	unsigned mask;
	switch (s->kind) {
	case SET_INT:
	case SET_SIZE:
		if (!parse_number(value, &n))
			return problem(st, "%s must be a whole number, not \"%s\"", s->key, value);
		if (n < s->min || n > s->max)
			return problem(st, "%s must be between %lld and %lld", s->key, s->min,
			               s->max);
		if (s->kind == SET_INT)
			*(int *)(void *)field = (int)n;
		else
			*(size_t *)(void *)field = (size_t)n;
		return 1;
	case SET_SYNC:
		if (strcasecmp(value, "FULL") && strcasecmp(value, "NORMAL"))
			return problem(st, "%s must be FULL or NORMAL", s->key);
		snprintf(field, s->size, "%s", strcasecmp(value, "FULL") ? "NORMAL" : "FULL");
		return 1;
	case SET_LISTEN:
		if (!config_is_listen_address(value))
			return problem(st, "%s must be ADDRESS:PORT (port 0-65535), not \"%s\"",
			               s->key, value);
		break;
	case SET_TIMEZONE:
		if (!is_timezone(value))
			return problem(st, "%s must be a time zone name such as America/Chicago",
			               s->key);
		break;
	case SET_ROLES:
		if (*value && !role_parse_list(value, &mask))
			return problem(st, "%s must list role names separated by commas", s->key);
		break;
	case SET_TEXT: break;
	}
	if (strlen(value) >= s->size)
		return problem(st, "%s is too long (at most %zu characters)", s->key, s->size - 1);
	memcpy(field, value, strlen(value) + 1);
	return 1;
}

/* inih callback: one name = value line. Returns 0 to reject the line. */
static int on_setting(void *user, const char *section, const char *name, const char *value)
{
	parse_state *st = user;
	bool is_known_section = false;
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const setting *s = &settings[i];
		if (strcmp(s->section, section))
			continue;
		is_known_section = true;
		if (strcmp(s->key, name))
			continue;
		if (st->seen[i])
			return problem(st, "%s is set twice in [%s]", name, section);
		st->seen[i] = true;
		return apply(st, s, value);
	}
	if (!*section)
		return problem(st, "\"%s\" is outside any [section]", name);
	if (!is_known_section)
		return problem(st, "unknown section [%s]", section);
	return problem(st, "unknown key \"%s\" in [%s]", name, section);
}

/* Checks across settings, once the whole file is read. */
static int check_whole(const config *c, const char *name, char *err, size_t errlen)
{
	if (!*c->tls_cert != !*c->tls_key) {
		snprintf(err, errlen, "%s: tls_cert and tls_key must be set together", name);
		return CK_E_INVALID;
	}
	if (!*c->db) {
		snprintf(err, errlen, "%s: [database] url must not be empty", name);
		return CK_E_INVALID;
	}
	return 0;
}

/* One inih setup for both entry points: no continuation lines (an
 * indented line is a mistake, not a value), lines up to 8 KiB read whole
 * rather than cut at 200 bytes, and stop at the first error so the line
 * number inih returns belongs to the problem recorded. Config is read at
 * start-up, before any thread, so setting inih's globals here is safe. */
static void setup_inih(void)
{
	ini_allow_multiline = false;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 8192;
	ini_stop_on_first_error = true;
}

static int finish(config *c, parse_state *st, int rc, const char *name, char *err, size_t errlen)
{
	if (rc > 0) {
		snprintf(err, errlen, "%s:%d: %s", name, rc,
		         *st->problem ? st->problem : "expected [section] or name = value");
		return CK_E_INVALID;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", name, rc == -1 ? strerror(errno) : "out of memory");
		return CK_E_IO;
	}
	return check_whole(c, name, err, errlen);
}

int config_parse_string(config *c, const char *text, char *err, size_t errlen)
{
	parse_state st = {.c = c};
	setup_inih();
	int rc = ini_parse_string(text, on_setting, &st);
	return finish(c, &st, rc, "config", err, errlen);
}

int config_load(config *c, const char *path, char *err, size_t errlen)
{
	parse_state st = {.c = c};
	struct stat sb;
	/* fopen accepts a folder and inih would read it as an empty file. */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return CK_E_IO;
	}
	setup_inih();
	errno = 0;
	int rc = ini_parse(path, on_setting, &st);
	if (rc == -1 && errno == 0)
		errno = ENOENT;
	return finish(c, &st, rc, path, err, errlen);
}

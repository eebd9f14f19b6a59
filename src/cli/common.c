/* common.c: what every command needs: one-line errors, option values,
 * opening the database with the schema check, the secret-key file, the
 * services' policy and the "cli:<unix user>" actor, reading a password. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "../auth/auth.h"
#include "../base/crypto.h"
#include "../base/errors.h"
#include "cli.h"

static int say(int status, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static int say(int status, const char *fmt, va_list ap)
{
	/* One line, always: a library's message (libpq's) may hold newlines. */
	char line[2048];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = '\0';
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	fflush(stdout);
	fprintf(stderr, "citkit: %s\n", line);
	return status;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int status = say(CLI_FAIL, fmt, ap);
	va_end(ap);
	return status;
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int status = say(CLI_USAGE, fmt, ap);
	va_end(ap);
	return status;
}

/* A service's field name as the option that carries it. */
static const char *option_of(const char *field)
{
	static const char *const map[][2] = {
	    {"email", "--email"},
	    {"name", "--name"},
	    {"org_id", "--org"},
	    {"roles", "--role"},
	    {"kind", "--kind"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(field, map[i][0]))
			return map[i][1];
	return field;
}

int cli_fail_fields(const char *what, const field_errors *errs)
{
	fflush(stdout);
	fprintf(stderr, "citkit: %s:", what);
	for (size_t i = 0; i < errs->len; i++)
		fprintf(stderr, "%s %s %s", i ? ";" : "", option_of(errs->items[i].field),
		        errs->items[i].message);
	fputc('\n', stderr);
	return CLI_FAIL;
}

const char *cli_opt(const cli_ctx *c, const char *name)
{
	for (size_t k = 0; c->cmd->options[k].name; k++)
		if (!strcmp(c->cmd->options[k].name, name))
			return c->values[k];
	return NULL;
}

bool cli_flag(const cli_ctx *c, const char *name)
{
	return cli_opt(c, name) != NULL;
}

/* The folder part of a path ("." for a bare file name), from a. */
static char *folder_of(arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return arena_strdup(a, ".");
	return slash == path ? arena_strdup(a, "/")
	                     : arena_strndup(a, path, (size_t)(slash - path));
}

/* mkdir -p, mode 0750: the database folder holds personal data. */
static int make_folders(arena *a, const char *dir)
{
	char *p = arena_strdup(a, dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0750) && errno != EEXIST ? -1 : 0;
}

/* A postgres:// URL with its password replaced, fit for messages. */
static const char *shown_url(arena *a, const char *url)
{
	if (!db_is_postgres_url(url))
		return url;
	const char *auth = strstr(url, "://");
	const char *at = auth ? strchr(auth + 3, '@') : NULL;
	const char *slash = auth ? strchr(auth + 3, '/') : NULL;
	if (!at || (slash && slash < at))
		return url;
	const char *colon = memchr(auth + 3, ':', (size_t)(at - auth - 3));
	if (!colon)
		return url;
	return arena_printf(a, "%.*s:***%s", (int)(colon - url), url, at);
}

const char *cli_secret_key_path(cli_ctx *c)
{
	config *cfg = &c->cfg;
	if (!*cfg->secret_key_file) {
		const char *path =
		    db_is_postgres_url(c->db_url)
		        ? "citkit.key"
		        : arena_printf(c->arena, "%s/secret.key", folder_of(c->arena, c->db_url));
		snprintf(cfg->secret_key_file, sizeof cfg->secret_key_file, "%s", path);
	}
	return cfg->secret_key_file;
}

int cli_secret_key_ensure(const char *path, bool *created, char *err, size_t errlen)
{
	unsigned char key[32];
	int rc = CK_E_IO;
	*created = false;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		struct stat st;
		if (stat(path, &st) == 0 && st.st_size >= (off_t)sizeof key)
			return 0;
		snprintf(err, errlen, "secret key file %s is shorter than %zu bytes", path,
		         sizeof key);
		return CK_E_IO;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot create secret key file %s: %s", path,
		         strerror(errno));
		return CK_E_IO;
	}
	crypto_random_bytes(key, sizeof key);
	if (write(fd, key, sizeof key) != (ssize_t)sizeof key || fsync(fd)) {
		snprintf(err, errlen, "cannot write secret key file %s: %s", path, strerror(errno));
		unlink(path);
		goto done;
	}
	*created = true;
	rc = 0;
done:
	explicit_bzero(key, sizeof key);
	close(fd);
	return rc;
}

/* Refuses a database whose schema is older (run migrate) or newer (an
 * older binary must not write to it) than this binary's. */
static int check_schema(cli_ctx *c, db *d)
{
	int64_t version = 0;
	int latest = db_latest_version();
	if (db_schema_version(d, &version))
		return cli_fail("cannot read the schema version of %s",
		                shown_url(c->arena, c->db_url));
	if (version == 0)
		return cli_fail("%s is not initialised (run citkit init --db %s)",
		                shown_url(c->arena, c->db_url), shown_url(c->arena, c->db_url));
	if (version < latest)
		return cli_fail(
		    "database schema is version %lld, this citkit needs %d (run citkit migrate)",
		    (long long)version, latest);
	if (version > latest)
		return cli_fail("database schema version %lld is newer than this citkit (%d): use "
		                "a newer citkit",
		                (long long)version, latest);
	return CLI_OK;
}

int cli_open_db(cli_ctx *c, cli_db_mode mode, db **out)
{
	*out = NULL;
	const char *shown = shown_url(c->arena, c->db_url);
	if (!db_is_postgres_url(c->db_url) && access(c->db_url, F_OK)) {
		if (mode != CLI_DB_CREATE)
			return cli_fail("no database at %s (run citkit init --db %s)", shown,
			                shown);
		if (make_folders(c->arena, folder_of(c->arena, c->db_url)))
			return cli_fail("cannot create the folder of %s: %s", shown,
			                strerror(errno));
		/* The file holds personal data: owner only, before SQLite
		 * creates it (its -wal and -shm files copy these bits). */
		int fd = open(c->db_url, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return cli_fail("cannot create %s: %s", shown, strerror(errno));
		close(fd);
	}
	db_options opt = {.sqlite_synchronous = c->cfg.sqlite_synchronous, .busy_timeout_ms = 5000};
	char err[512];
	db *d;
	if (db_open(c->db_url, &opt, &d, err, sizeof err))
		return cli_fail("cannot open %s: %s", shown, err);
	if (mode == CLI_DB_CURRENT && check_schema(c, d)) {
		db_close(d);
		return CLI_FAIL;
	}
	*out = d;
	return CLI_OK;
}

static const char *unix_user(arena *a)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return arena_strdup(a, pw->pw_name);
	return arena_printf(a, "uid%u", (unsigned)geteuid());
}

int cli_setup_services(cli_ctx *c)
{
	if (!crypto_init())
		return cli_fail("libsodium could not be initialised");
	const char *key_path = cli_secret_key_path(c);
	if (access(key_path, R_OK))
		return cli_fail("secret key file %s: %s (run citkit init)", key_path,
		                strerror(errno));
	auth_policy p;
	char err[512];
	if (auth_policy_from_config(&c->cfg, &p, err, sizeof err))
		return cli_fail("%s", err);
	auth_policy_set(&p);
	explicit_bzero(&p, sizeof p);
	auth_system_principal(&c->actor, arena_printf(c->arena, "cli:%s", unix_user(c->arena)));
	return CLI_OK;
}

int cli_open_services(cli_ctx *c, db **out)
{
	if (cli_open_db(c, CLI_DB_CURRENT, out))
		return CLI_FAIL;
	if (cli_setup_services(c)) {
		db_close(*out);
		*out = NULL;
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* With a terminal: a prompt on stderr and no echo. */
static bool echo_off(struct termios *saved)
{
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved))
		return false;
	struct termios quiet = *saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	fputs("Password: ", stderr);
	return tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
}

int cli_read_password(cli_ctx *c, const char **out)
{
	struct termios saved;
	bool is_quiet = echo_off(&saved);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (is_quiet) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	int status = CLI_OK;
	if (n <= 0) {
		status = cli_fail("no password on stdin (one line expected)");
		goto done;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*out = arena_strdup(c->arena, line);
done:
	if (line)
		explicit_bzero(line, cap);
	free(line);
	return status;
}

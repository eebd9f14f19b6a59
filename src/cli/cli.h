/* cli.h: what the commands share. main.c holds the one command table
 * (name, subcommand, handler, summary, options); it parses the command
 * line against the command's declared options and hands the handler a
 * cli_ctx. A handler returns the exit status: CLI_OK, CLI_FAIL (runtime
 * failure, one line on stderr) or CLI_USAGE (wrong use, one line).
 * Every message to people goes through cli_fail / cli_usage so each is one
 * line starting "citkit: ". */
#ifndef CITKIT_CLI_H
#define CITKIT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/config.h"
#include "../base/validate.h"
#include "../db/db.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

enum { CLI_MAX_OPTIONS = 12 };

/* One option of one command. arg names the value ("E", "FILE"); NULL makes
 * it a flag. */
typedef struct cli_option {
	const char *name; /* without the leading "--" */
	const char *arg;
	bool required;
	const char *help;
} cli_option;

struct cli_ctx;
typedef int (*cli_handler)(struct cli_ctx *c);

typedef struct cli_command {
	const char *name; /* "user" */
	const char *sub;  /* "add", or NULL for a command without */
	cli_handler run;
	const char *summary;       /* one line for `citkit --help` */
	const char *operand;       /* a required positional argument ("FILE"), or NULL */
	const cli_option *options; /* ends with {NULL}; --db, --config, --help come free */
	bool uses_db;              /* --db applies (shown in its help) */
} cli_command;

typedef struct cli_ctx {
	const cli_command *cmd;
	const char *values[CLI_MAX_OPTIONS]; /* parallel to cmd->options; "1" for flags */
	const char *operand;
	const char *config_path; /* --config, or NULL */
	config cfg;              /* defaults, then --config */
	const char *db_url;      /* --db, else $CITKIT_DB, else [database] url */
	arena *arena;            /* for the whole command; freed by main */
	principal actor;         /* "cli:<unix user>", every role (cli_actor) */
} cli_ctx;

/* Errors: print "citkit: <message>" as one line to stderr and return the
 * exit status to pass on. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A service's field errors on one line: "email: is taken; password: …". */
int cli_fail_fields(const char *what, const field_errors *errs);

/* The value of option name, or NULL when it was not given. */
const char *cli_opt(const cli_ctx *c, const char *name);
bool cli_flag(const cli_ctx *c, const char *name);

/* The secret-key file: [security] secret_key_file, else next to a SQLite
 * database (dirname/secret.key), else ./citkit.key for PostgreSQL. */
const char *cli_secret_key_path(cli_ctx *c);
/* Creates the key file (32 random bytes, mode 0600) unless it exists;
 * *created says which. 0 or CK_E_IO with err. */
int cli_secret_key_ensure(const char *path, bool *created, char *err, size_t errlen);

/* How a command opens the database: CLI_DB_CREATE makes the SQLite file
 * and its folder when missing (init); otherwise a missing file is an
 * error that says to run init. CLI_DB_CURRENT also requires the schema to
 * be exactly this binary's (older: run migrate; newer: refused). */
typedef enum cli_db_mode { CLI_DB_CREATE, CLI_DB_EXISTING, CLI_DB_CURRENT } cli_db_mode;
/* CLI_OK or CLI_FAIL (message printed). */
int cli_open_db(cli_ctx *c, cli_db_mode mode, db **out);
/* What init does (create, migrate, secret key), for init and demo; *out
 * is the open database. CLI_OK or CLI_FAIL. */
int cli_init_database(cli_ctx *c, db **out);
/* Installs the auth policy (limits from the config, the server secret)
 * and fills c->actor: commands that call the auth services use this so
 * their audit rows carry the secret-keyed anchor. CLI_OK or CLI_FAIL. */
int cli_setup_services(cli_ctx *c);

/* Both of the above for the commands that call services: the database
 * (current schema) and the policy. CLI_OK, or CLI_FAIL with *out NULL. */
int cli_open_services(cli_ctx *c, db **out);

/* Reads one line (the password) from stdin without its line end; with a
 * terminal, asks without echo. CLI_OK or CLI_FAIL. */
int cli_read_password(cli_ctx *c, const char **out);

/* The version string, "0.1.0" (generated from meson.build). */
const char *cli_version(void);

/* The handlers, one file per command or family. */
int cli_serve(cli_ctx *c);
int cli_routes(cli_ctx *c);
int cli_init(cli_ctx *c);
int cli_migrate(cli_ctx *c);
int cli_demo(cli_ctx *c);
int cli_org_add(cli_ctx *c);
int cli_user_add(cli_ctx *c);
int cli_user_passwd(cli_ctx *c);
int cli_user_disable(cli_ctx *c);
int cli_user_unlock(cli_ctx *c);
int cli_token_create(cli_ctx *c);
int cli_token_revoke(cli_ctx *c);
int cli_import_roster(cli_ctx *c);
int cli_export_users(cli_ctx *c);
int cli_backup(cli_ctx *c);
int cli_audit_verify(cli_ctx *c);
int cli_show_version(cli_ctx *c);

#endif

/* main.c: the command table and the command-line parser. Each command is
 * one row of commands[]: its words, handler, summary, operand and options;
 * `citkit --help`, every `--help`, usage lines and the "wrong use" errors
 * are all made from that table, so they cannot drift from what the parser
 * accepts. The handlers live in src/cli/<command>.c.
 *
 * Exit status: 0 done, 1 runtime failure, 2 wrong use (one line on
 * stderr, "citkit: …"). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "cli/cli.h"

/* The tables read best as tables. */
/* clang-format off */
static const cli_option serve_opts[] = {
	{"listen", "ADDR:PORT", false, "address to listen on (port 0 picks a free one) [127.0.0.1:8080]"},
	{0},
};
static const cli_option no_opts[] = {{0}};
static const cli_option demo_opts[] = {
	{"logins", NULL, false, "only print the demo logins (email, role, password)"},
	{0},
};
static const cli_option org_add_opts[] = {
	{"name", "N", true, "the organization's name (unique)"},
	{"kind", "K", true, "law_enforcement, mental_health, hospital, advocacy, dispatch or other"},
	{0},
};
static const cli_option user_add_opts[] = {
	{"email", "E", true, "email address (the sign-in name)"},
	{"name", "N", true, "full name"},
	{"org", "ORG", true, "organization, by id or exact name"},
	{"role", "R[,R]", true, "one or more of admin, coordinator, instructor, officer, supervisor, clinician, presenter, dispatcher, analyst"},
	{"password-stdin", NULL, false, "read the password from stdin (one line); without it the user has none yet"},
	{0},
};
static const cli_option user_passwd_opts[] = {
	{"email", "E", true, "the user's email"},
	{"password-stdin", NULL, true, "read the new password from stdin (one line)"},
	{0},
};
static const cli_option user_email_opts[] = {
	{"email", "E", true, "the user's email"},
	{0},
};
static const cli_option token_create_opts[] = {
	{"email", "E", true, "the user the token acts as"},
	{"name", "NAME", false, "what the token is for [cli]"},
	{0},
};
static const cli_option token_revoke_opts[] = {
	{"id", "ID", true, "the token's id"},
	{0},
};
static const cli_option import_roster_opts[] = {
	{"org", "ORG", true, "organization the people belong to, by id or exact name"},
	{0},
};

static const cli_option export_users_opts[] = {
	{"org", "ORG", false, "only this organization, by id or exact name"},
	{0},
};

static const cli_command commands[] = {
	{"serve", NULL, cli_serve, "run the web server until SIGINT or SIGTERM", NULL, serve_opts, true},
	{"routes", NULL, cli_routes, "print the web server's routes, one a line: method, pattern, permission", NULL, no_opts, false},
	{"init", NULL, cli_init, "create the database, apply migrations, create the secret key (idempotent)", NULL, no_opts, true},
	{"demo", NULL, cli_demo, "load the demo program (Pine Belt Regional CIT) and print its logins", NULL, demo_opts, true},
	{"migrate", NULL, cli_migrate, "apply pending database migrations and print the schema version", NULL, no_opts, true},
	{"org", "add", cli_org_add, "add a partner organization", NULL, org_add_opts, true},
	{"user", "add", cli_user_add, "add a user", NULL, user_add_opts, true},
	{"user", "passwd", cli_user_passwd, "set a user's password", NULL, user_passwd_opts, true},
	{"user", "disable", cli_user_disable, "disable a user and end their sessions", NULL, user_email_opts, true},
	{"user", "unlock", cli_user_unlock, "unlock an account locked by failed sign-ins", NULL, user_email_opts, true},
	{"token", "create", cli_token_create, "create an API token and print it (only once)", NULL, token_create_opts, true},
	{"token", "revoke", cli_token_revoke, "revoke an API token", NULL, token_revoke_opts, true},
	{"import", "roster", cli_import_roster, "import an agency roster from CSV: all rows or none", "FILE", import_roster_opts, true},
	{"export", "users", cli_export_users, "write the users as CSV (the roster's columns) to stdout", NULL, export_users_opts, true},
	{"backup", NULL, cli_backup, "write a consistent copy of a SQLite database (also while serving)", "FILE", no_opts, true},
	{"audit", "verify", cli_audit_verify, "check the audit log's hash chain", NULL, no_opts, true},
	{"version", NULL, cli_show_version, "print the version", NULL, no_opts, false},
};

/* clang-format on */

enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void print_overview(FILE *out)
{
	fprintf(out, "usage: citkit COMMAND [options]   (citkit COMMAND --help for its options)\n\n"
	             "citkit: the system of record for a Crisis Intervention Team program.\n\n"
	             "commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		char words[64];
		snprintf(words, sizeof words, "%s%s%s", commands[i].name,
		         commands[i].sub ? " " : "", commands[i].sub ? commands[i].sub : "");
		fprintf(out, "  %-16s %s\n", words, commands[i].summary);
	}
	fprintf(out, "\nglobal options:\n"
	             "  --db DB          database: a file path (SQLite) or a postgres:// URL\n"
	             "                   [$CITKIT_DB, else [database] url, else var/citkit.db]\n"
	             "  --config FILE    INI settings file (see docs/citkit.ini.example)\n"
	             "  -h, --help       help\n\n"
	             "exit status: 0 done, 1 failed (one line says why), 2 wrong use\n");
}

static void print_words(FILE *out, const cli_command *cmd)
{
	fprintf(out, "%s%s%s", cmd->name, cmd->sub ? " " : "", cmd->sub ? cmd->sub : "");
}

static void print_usage_line(FILE *out, const cli_command *cmd)
{
	fprintf(out, "usage: citkit ");
	print_words(out, cmd);
	if (cmd->operand)
		fprintf(out, " %s", cmd->operand);
	for (const cli_option *o = cmd->options; o->name; o++) {
		fprintf(out, " %s--%s%s%s%s", o->required ? "" : "[", o->name, o->arg ? " " : "",
		        o->arg ? o->arg : "", o->required ? "" : "]");
	}
	if (cmd->uses_db)
		fprintf(out, " [--db DB]");
	fprintf(out, " [--config FILE]\n");
}

static void print_command_help(const cli_command *cmd)
{
	print_usage_line(stdout, cmd);
	printf("\n%c%s.\n\noptions:\n", toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
	for (const cli_option *o = cmd->options; o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "",
		         o->arg ? o->arg : "");
		printf("  %-22s %s\n", left, o->help);
	}
	if (cmd->uses_db)
		printf(
		    "  %-22s %s\n", "--db DB",
		    "database: file path (SQLite) or postgres:// URL [$CITKIT_DB, var/citkit.db]");
	printf("  %-22s %s\n", "--config FILE", "INI settings file");
	printf("  %-22s %s\n", "-h, --help", "this help");
}

/* The subcommands of a family, for `citkit user --help` and errors. */
static void list_subcommands(FILE *out, const char *family, bool is_long)
{
	bool first = true;
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, family) || !commands[i].sub)
			continue;
		if (is_long)
			fprintf(out, "  %s %-10s %s\n", family, commands[i].sub,
			        commands[i].summary);
		else
			fprintf(out, "%s%s", first ? "" : ", ", commands[i].sub);
		first = false;
	}
}

static bool is_family(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name) && commands[i].sub)
			return true;
	return false;
}

static const cli_command *find_command(const char *name, const char *sub)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, name))
			continue;
		if (!commands[i].sub || (sub && !strcmp(commands[i].sub, sub)))
			return &commands[i];
	}
	return NULL;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* Splits "--name=value" or "--name" into the name and an inline value. */
static const char *split_option(arena *a, const char *arg, const char **inline_value)
{
	const char *eq = strchr(arg, '=');
	*inline_value = eq ? eq + 1 : NULL;
	return eq ? arena_strndup(a, arg + 2, (size_t)(eq - arg - 2)) : arg + 2;
}

/* The value of an option that takes one: inline or the next argument. */
static int take_value(int argc, char **argv, int *i, const char *name, const char *inline_value,
                      const char **out)
{
	if (inline_value) {
		*out = inline_value;
		return CLI_OK;
	}
	if (*i + 1 >= argc)
		return cli_usage("--%s needs a value", name);
	*out = argv[++*i];
	return CLI_OK;
}

static int set_global(cli_ctx *c, const char *name, const char *value, const char **db_opt)
{
	const char **slot = !strcmp(name, "db") ? db_opt : &c->config_path;
	if (*slot)
		return cli_usage("--%s given twice", name);
	*slot = value;
	return CLI_OK;
}

/* Parses argv[i..] against cmd's options into c. */
static int parse_options(cli_ctx *c, int argc, char **argv, int i, const char **db_opt)
{
	const cli_command *cmd = c->cmd;
	bool is_operand_only = false; /* after "--" */
	for (size_t k = 0; cmd->options[k].name; k++)
		if (k >= CLI_MAX_OPTIONS) /* a table too long for values[]: a bug here */
			return cli_fail("internal error: '%s' has more than %d options", cmd->name,
			                CLI_MAX_OPTIONS);
	for (; i < argc; i++) {
		const char *arg = argv[i];
		if (!is_operand_only && !strcmp(arg, "--")) {
			is_operand_only = true;
			continue;
		}
		if (is_operand_only || arg[0] != '-' || !strcmp(arg, "-")) {
			if (!cmd->operand || c->operand)
				return cli_usage("unexpected argument '%s'", arg);
			c->operand = arg;
			continue;
		}
		if (strncmp(arg, "--", 2) || !arg[2])
			return cli_usage("unknown option %s", arg);
		const char *inline_value;
		const char *name = split_option(c->arena, arg, &inline_value);
		const char *value = NULL;
		if (!strcmp(name, "db") || !strcmp(name, "config")) {
			if (take_value(argc, argv, &i, name, inline_value, &value) ||
			    set_global(c, name, value, db_opt))
				return CLI_USAGE;
			continue;
		}
		size_t k = 0;
		while (cmd->options[k].name && strcmp(cmd->options[k].name, name))
			k++;
		const cli_option *o = &cmd->options[k];
		if (!o->name)
			return cli_usage(
			    "unknown option --%s for '%s%s%s' (see citkit %s%s%s --help)", name,
			    cmd->name, cmd->sub ? " " : "", cmd->sub ? cmd->sub : "", cmd->name,
			    cmd->sub ? " " : "", cmd->sub ? cmd->sub : "");
		if (c->values[k])
			return cli_usage("--%s given twice", name);
		if (!o->arg) {
			if (inline_value)
				return cli_usage("--%s takes no value", name);
			c->values[k] = "1";
		} else if (take_value(argc, argv, &i, name, inline_value, &c->values[k])) {
			return CLI_USAGE;
		}
	}
	for (size_t k = 0; cmd->options[k].name; k++)
		if (cmd->options[k].required && !c->values[k])
			return cli_usage("missing --%s (see citkit %s%s%s --help)",
			                 cmd->options[k].name, cmd->name, cmd->sub ? " " : "",
			                 cmd->sub ? cmd->sub : "");
	if (cmd->operand && !c->operand)
		return cli_usage("missing %s (see citkit %s%s%s --help)", cmd->operand, cmd->name,
		                 cmd->sub ? " " : "", cmd->sub ? cmd->sub : "");
	return CLI_OK;
}

/* Settings: defaults, then --config; the database from --db, else
 * $CITKIT_DB, else the config's [database] url (default var/citkit.db). */
static int load_settings(cli_ctx *c, const char *db_opt)
{
	config_defaults(&c->cfg);
	if (c->config_path) {
		char err[512];
		if (config_load(&c->cfg, c->config_path, err, sizeof err))
			return cli_fail("%s", err);
	}
	if (!clock_set_zone(c->cfg.timezone))
		log_warn("time zone %s is not installed; showing times in UTC", c->cfg.timezone);
	const char *env = getenv("CITKIT_DB");
	c->db_url = db_opt ? db_opt : env && *env ? env : c->cfg.db;
	if (!*c->db_url)
		return cli_usage("--db must not be empty");
	return CLI_OK;
}

/* Quiet JSON logs for one-shot commands (their outcome is one line);
 * CITKIT_LOG=debug|info|warn|error brings them back. serve logs at info. */
static void set_log_level(const cli_command *cmd)
{
	const char *env = getenv("CITKIT_LOG");
	static const char *names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; env && i < 4; i++)
		if (!strcmp(env, names[i])) {
			log_set_level((enum log_level)i);
			return;
		}
	log_set_level(cmd->run == cli_serve ? LOG_INFO : (enum log_level)(LOG_ERROR + 1));
}

/* Finds the command named by argv[i] (and argv[i+1] for a family).
 * Returns the index of the first argument after the command words, or -1
 * after printing help (*status 0) or an error (*status 2). */
static int resolve(int argc, char **argv, int i, const cli_command **out, int *status)
{
	const char *name = argv[i];
	const char *sub = i + 1 < argc ? argv[i + 1] : NULL;
	*status = CLI_OK;
	if (is_family(name)) {
		if (sub && is_help(sub)) {
			printf("usage: citkit %s SUBCOMMAND [options]\n\nsubcommands:\n", name);
			list_subcommands(stdout, name, true);
			return -1;
		}
		*out = sub ? find_command(name, sub) : NULL;
		if (!*out) {
			fprintf(stderr, "citkit: %s needs a subcommand: ", name);
			list_subcommands(stderr, name, false);
			fprintf(stderr, "%s%s%s\n", sub ? " (not '" : "", sub ? sub : "",
			        sub ? "')" : "");
			*status = CLI_USAGE;
			return -1;
		}
		return i + 2;
	}
	*out = find_command(name, NULL);
	if (!*out) {
		*status = cli_usage("unknown command '%s' (see citkit --help)", name);
		return -1;
	}
	return i + 1;
}

int main(int argc, char **argv)
{
	cli_ctx c;
	memset(&c, 0, sizeof c);
	const char *db_opt = NULL;
	int status = CLI_USAGE;

	/* Global options may come before the command. */
	int i = 1;
	c.arena = arena_new();
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (is_help(argv[i])) {
			print_overview(stdout);
			status = CLI_OK;
			goto done;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("citkit %s\n", cli_version());
			status = CLI_OK;
			goto done;
		}
		const char *inline_value, *value = NULL;
		const char *name = split_option(c.arena, argv[i], &inline_value);
		if (strncmp(argv[i], "--", 2) || (strcmp(name, "db") && strcmp(name, "config"))) {
			status = cli_usage("unknown option %s (see citkit --help)", argv[i]);
			goto done;
		}
		if (take_value(argc, argv, &i, name, inline_value, &value) ||
		    set_global(&c, name, value, &db_opt))
			goto done;
	}
	if (i >= argc) {
		status = cli_usage("no command given (see citkit --help)");
		goto done;
	}
	i = resolve(argc, argv, i, &c.cmd, &status);
	if (i < 0)
		goto done;
	for (int k = i; k < argc; k++) {
		if (!strcmp(argv[k], "--"))
			break;
		if (is_help(argv[k])) {
			print_command_help(c.cmd);
			status = CLI_OK;
			goto done;
		}
	}
	status = parse_options(&c, argc, argv, i, &db_opt);
	if (status)
		goto done;
	set_log_level(c.cmd);
	status = load_settings(&c, db_opt);
	if (status)
		goto done;
	status = c.cmd->run(&c);
done:
	fflush(stdout);
	arena_free(c.arena);
	return status;
}

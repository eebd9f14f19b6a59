/* database.c: `citkit init`, `citkit migrate` and `citkit backup FILE`,
 * the commands that look after the database as a whole. */
#include <stdio.h>
#include <string.h>

#include "../base/crypto.h"
#include "../scenarios/scenario_json.h"
#include "../training/curricula_model.h"
#include "cli.h"

/* The national curriculum model and the starter scenario library belong
 * in every database: loaded once, after the schema that holds them (the
 * library adds only what is missing, never overwriting local edits). */
static int ensure_model(db *d)
{
	bool loaded;
	if (curriculum_model_ensure(d, &loaded))
		return cli_fail("cannot load the national curriculum model");
	if (loaded)
		printf("national curriculum model loaded\n");
	int added = 0;
	if (scenario_library_ensure(d, &added))
		return cli_fail("cannot load the starter scenario library");
	if (added)
		printf("starter scenario library loaded (%d rubrics and scenarios)\n", added);
	return CLI_OK;
}

int cli_init_database(cli_ctx *c, db **out)
{
	db *d = NULL;
	char err[512] = "";
	*out = NULL;
	if (!crypto_init())
		return cli_fail("libsodium could not be initialised");
	if (cli_open_db(c, CLI_DB_CREATE, &d))
		return CLI_FAIL;
	if (db_migrate(d, err, sizeof err)) {
		db_close(d);
		return cli_fail("cannot migrate the database: %s", err);
	}
	if (ensure_model(d)) {
		db_close(d);
		return CLI_FAIL;
	}
	bool created;
	const char *key_path = cli_secret_key_path(c);
	if (cli_secret_key_ensure(key_path, &created, err, sizeof err)) {
		db_close(d);
		return cli_fail("%s", err);
	}
	if (created)
		printf("secret key written to %s (keep it safe, apart from backups)\n", key_path);
	*out = d;
	return CLI_OK;
}

/* citkit init: creates the database (and its folder), applies the
 * migrations and creates the secret-key file if missing. Running it again
 * changes nothing. */
int cli_init(cli_ctx *c)
{
	db *d;
	if (cli_init_database(c, &d))
		return CLI_FAIL;
	int64_t version = 0;
	int status = CLI_OK;
	if (db_schema_version(d, &version))
		status = cli_fail("cannot read the schema version");
	else
		printf("database ready (schema version %lld)\n", (long long)version);
	db_close(d);
	return status;
}

/* citkit migrate: applies pending migrations; an older binary refuses a
 * newer database (db_migrate says so). */
int cli_migrate(cli_ctx *c)
{
	db *d = NULL;
	char err[512] = "";
	int status = CLI_FAIL;
	if (cli_open_db(c, CLI_DB_EXISTING, &d))
		return CLI_FAIL;
	int64_t before = 0, after = 0;
	if (db_schema_version(d, &before) || db_migrate(d, err, sizeof err) ||
	    db_schema_version(d, &after)) {
		cli_fail("cannot migrate the database: %s", err);
		goto done;
	}
	if (ensure_model(d))
		goto done;
	if (after == before)
		printf("schema version %lld (up to date)\n", (long long)after);
	else
		printf("schema version %lld (was %lld)\n", (long long)after, (long long)before);
	status = CLI_OK;
done:
	db_close(d);
	return status;
}

/* citkit backup FILE: SQLite's online backup API gives a consistent copy
 * even while `serve` writes. PostgreSQL has its own tools for that. */
int cli_backup(cli_ctx *c)
{
	if (db_is_postgres_url(c->db_url)) {
		printf(
		    "citkit backup copies SQLite databases only. For PostgreSQL use its own "
		    "tools:\n"
		    "  pg_dump --format=custom --file=%s \"$DATABASE_URL\"\n"
		    "Back up the secret key file (%s) as well, but store it apart from the dump:\n"
		    "the audit log's anchor and encrypted fields need it.\n",
		    c->operand, cli_secret_key_path(c));
		return CLI_OK;
	}
	db *d = NULL;
	char err[512] = "";
	int status = CLI_FAIL;
	if (cli_open_db(c, CLI_DB_CURRENT, &d))
		return CLI_FAIL;
	if (db_sqlite_backup(d, c->operand, err, sizeof err)) {
		cli_fail("backup to %s failed: %s", c->operand, err);
		goto done;
	}
	printf("backup written to %s\n", c->operand);
	status = CLI_OK;
done:
	db_close(d);
	return status;
}

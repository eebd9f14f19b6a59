/* settings.c: the settings table, one name/value pair a row. */
#include "settings.h"

int settings_get(db *d, arena *a, const char *name, const char **out)
{
	db_stmt *s;
	*out = NULL;
	int rc = db_prepare(d, "SELECT value FROM settings WHERE name = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, name);
	rc = db_step(s);
	if (rc == DB_ROW && db_col_text(s, 0))
		*out = arena_strdup(a, db_col_text(s, 0));
	db_finish(s);
	return rc < 0 ? rc : 0;
}

int settings_set(db *d, const char *name, const char *value)
{
	int rc = db_run(d,
	                "INSERT INTO settings (name, value) VALUES ($1, $2) "
	                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	                "tt", name, value);
	return rc < 0 ? rc : 0;
}

int settings_set_default(db *d, const char *name, const char *value)
{
	return db_run(d,
	              "INSERT INTO settings (name, value) VALUES ($1, $2) "
	              "ON CONFLICT (name) DO NOTHING",
	              "tt", name, value);
}

/* settings.h: program settings kept in the database (the settings table):
 * the program's name that pages and certificates print, the audit log's
 * signed anchor, and whatever later issues let an admin change at run
 * time. Values are text; callers parse. */
#ifndef CITKIT_SETTINGS_H
#define CITKIT_SETTINGS_H

#include "../base/arena.h"
#include "../db/db.h"

#define SETTING_PROGRAM_NAME "program_name"

/* *out gets the value (from a) or NULL when the setting is absent.
 * Returns 0 or a negative error. */
int settings_get(db *d, arena *a, const char *name, const char **out);
/* Sets or replaces a value. */
int settings_set(db *d, const char *name, const char *value);
/* Sets a value only when none is there; returns 1 if it was added, 0 if
 * one was already set, or a negative error. */
int settings_set_default(db *d, const char *name, const char *value);

#endif

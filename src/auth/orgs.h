/* orgs.h: the program's partner organizations (police department,
 * sheriff's office, crisis center, hospital, NAMI affiliate, 911 center).
 * Every user belongs to one. */
#ifndef CITKIT_ORGS_H
#define CITKIT_ORGS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"
#include "principal.h"

typedef struct org {
	int64_t id;
	const char *name;
	const char *kind;   /* one of org_kinds() */
	int64_t user_count; /* active users */
	int64_t created_at, updated_at;
} org;

/* "law_enforcement", "mental_health", "hospital", "advocacy", "dispatch",
 * "other", NULL: the choices of the kind field. */
const char *const *org_kinds(void);
/* "Law enforcement", "Mental health", …; "Other" for unknown kinds. */
const char *org_kind_label(const char *kind);

/* By name. Needs PERM_ORGS_READ. */
int org_list(db *d, arena *a, const principal *actor, int limit, const char *cursor, org **items,
             size_t *n, const char **next_cursor);
/* CK_E_NOT_FOUND when there is none. Needs PERM_ORGS_READ. */
int org_get(db *d, arena *a, const principal *actor, int64_t id, org *out);
/* id_or_name: a decimal id or the exact name (the CLI's --org ORG).
 * CK_E_NOT_FOUND when neither matches. No permission check: the CLI
 * resolves its arguments with it. */
int org_find(db *d, arena *a, const char *id_or_name, org *out);

/* Fields: name (text, 1–200 characters, unique), kind (one of org_kinds).
 * Needs PERM_ORGS_WRITE. CK_E_INVALID with errs filled; CK_E_CONFLICT
 * with the field error on "name" when only the name is taken (an API's
 * 409); audited as org.create. */
int org_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
               field_errors *errs);
/* The fields present in `in` replace the stored ones; audited as
 * org.update with before and after. */
int org_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
               field_errors *errs);

#endif

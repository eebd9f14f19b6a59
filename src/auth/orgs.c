/* orgs.c: partner organizations: list, read, find (CLI), create, update.
 * Every write is one transaction with its audit row. */
#include "orgs.h"

#include <stdlib.h>
#include <string.h>

#include "../base/errors.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "roles.h"

static const char *const kinds[] = {
    "law_enforcement", "mental_health", "hospital", "advocacy", "dispatch", "other", NULL,
};
static const char *const kind_labels[] = {
    "Law enforcement", "Mental health", "Hospital", "Advocacy", "Dispatch (911)", "Other",
};

const char *const *org_kinds(void)
{
	return kinds;
}

const char *org_kind_label(const char *kind)
{
	for (size_t i = 0; kind && kinds[i]; i++)
		if (!strcmp(kinds[i], kind))
			return kind_labels[i];
	return "Other";
}

enum { F_NAME, F_KIND, F_COUNT };

static const field_spec specs[F_COUNT] = {
    [F_NAME] = {"name", FIELD_TEXT, true, 1, 200, NULL, "Name"},
    [F_KIND] = {"kind", FIELD_ENUM, true, 0, 0, kinds, "Kind"},
};

#define ORG_COLUMNS                                                                                \
	"o.id, o.name, o.kind, o.created_at, o.updated_at, "                                       \
	"(SELECT COUNT(*) FROM users u WHERE u.org_id = o.id AND u.is_active = 1) "

static void read_org(arena *a, db_stmt *s, org *o)
{
	const char *name = db_col_text(s, 1), *kind = db_col_text(s, 2);
	*o = (org){
	    .id = db_col_int(s, 0),
	    .name = arena_strdup(a, name ? name : ""),
	    .kind = arena_strdup(a, kind ? kind : "other"),
	    .created_at = db_col_int(s, 3),
	    .updated_at = db_col_int(s, 4),
	    .user_count = db_col_int(s, 5),
	};
}

int org_list(db *d, arena *a, const principal *actor, int limit, const char *cursor, org **items,
             size_t *n, const char **next_cursor)
{
	int64_t after;
	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (!auth_allowed(actor, PERM_ORGS_READ))
		return CK_E_FORBIDDEN;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	limit = auth_limit(limit);
	db_stmt *s;
	rc = db_prepare(d,
	                "SELECT " ORG_COLUMNS "FROM orgs o "
	                "WHERE CAST($1 AS BIGINT) = 0 "
	                "OR (o.name, o.id) > (SELECT c.name, c.id FROM orgs c WHERE c.id = $1) "
	                "ORDER BY o.name, o.id LIMIT $2",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, after);
	db_bind_int(s, 2, limit + 1);
	org *out = arena_array(a, (size_t)limit + 1, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == (size_t)limit) {
			*next_cursor = auth_cursor_make(a, out[count - 1].id);
			break;
		}
		read_org(a, s, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

static int load(db *d, arena *a, int64_t id, org *out)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT " ORG_COLUMNS "FROM orgs o WHERE o.id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_org(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int org_get(db *d, arena *a, const principal *actor, int64_t id, org *out)
{
	if (!auth_allowed(actor, PERM_ORGS_READ))
		return CK_E_FORBIDDEN;
	return load(d, a, id, out);
}

int org_find(db *d, arena *a, const char *id_or_name, org *out)
{
	if (!id_or_name || !*id_or_name)
		return CK_E_NOT_FOUND;
	char *end;
	long long id = strtoll(id_or_name, &end, 10);
	if (!*end && id > 0 && id_or_name[0] != '+' && id_or_name[0] != '-') {
		int rc = load(d, a, id, out);
		if (rc != CK_E_NOT_FOUND)
			return rc;
	}
	db_stmt *s;
	int rc = db_prepare(d, "SELECT " ORG_COLUMNS "FROM orgs o WHERE o.name = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, id_or_name);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_org(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

/* Whether another organization (not except_id) already has name. */
static int name_taken(db *d, const char *name, int64_t except_id, bool *taken)
{
	int64_t id = 0;
	int rc = db_query_int(d, &id, "SELECT id FROM orgs WHERE name = $1 AND id <> $2", "ti",
	                      name, except_id);
	*taken = rc == DB_ROW;
	return rc < 0 ? rc : 0;
}

typedef struct write_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	const char *name, *kind; /* NULL = unchanged (update) */
	field_errors *errs;
} write_ctx;

static int create_in_tx(db *d, void *vctx)
{
	write_ctx *c = vctx;
	bool taken;
	int rc = name_taken(d, c->name, 0, &taken);
	if (rc < 0)
		return rc;
	if (taken) {
		field_errors_add(c->errs, "name", "is already used by another organization");
		return CK_E_CONFLICT;
	}
	int64_t now = auth_now();
	rc = db_query_int(d, &c->id,
	                  "INSERT INTO orgs (name, kind, created_at, updated_at) "
	                  "VALUES ($1, $2, $3, $3) RETURNING id",
	                  "tti", c->name, c->kind, now);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:s, s:s}", "name", c->name, "kind", c->kind);
	return audit_append(d, c->actor, "org.create", "org", auth_id_text(c->a, c->id),
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int org_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
               field_errors *errs)
{
	field_value v[F_COUNT];
	if (!auth_allowed(actor, PERM_ORGS_WRITE))
		return CK_E_FORBIDDEN;
	int rc = validate_fields(a, in, specs, F_COUNT, v, errs);
	if (rc < 0)
		return rc;
	write_ctx c = {a, actor, 0, v[F_NAME].text, v[F_KIND].text, errs};
	rc = audit_tx(d, create_in_tx, &c);
	if (rc == 0 && id)
		*id = c.id;
	return rc;
}

static int update_in_tx(db *d, void *vctx)
{
	write_ctx *c = vctx;
	org before;
	int rc = load(d, c->a, c->id, &before);
	if (rc < 0)
		return rc;
	const char *name = c->name ? c->name : before.name;
	const char *kind = c->kind ? c->kind : before.kind;
	if (c->name) {
		bool taken;
		rc = name_taken(d, name, c->id, &taken);
		if (rc < 0)
			return rc;
		if (taken) {
			field_errors_add(c->errs, "name",
			                 "is already used by another organization");
			return CK_E_CONFLICT;
		}
	}
	if (!strcmp(name, before.name) && !strcmp(kind, before.kind))
		return 0; /* nothing changed: nothing to write or audit */
	rc = db_run(d, "UPDATE orgs SET name = $1, kind = $2, updated_at = $3 WHERE id = $4",
	            "ttii", name, kind, auth_now(), c->id);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}", "before", "name", before.name,
	                           "kind", before.kind, "after", "name", name, "kind", kind);
	return audit_append(d, c->actor, "org.update", "org", auth_id_text(c->a, c->id),
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int org_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
               field_errors *errs)
{
	field_value v[F_COUNT];
	if (!auth_allowed(actor, PERM_ORGS_WRITE))
		return CK_E_FORBIDDEN;
	int rc = auth_validate_update(a, in, specs, F_COUNT, v, errs);
	if (rc < 0)
		return rc;
	write_ctx c = {a,
	               actor,
	               id,
	               v[F_NAME].present ? v[F_NAME].text : NULL,
	               v[F_KIND].present ? v[F_KIND].text : NULL,
	               errs};
	return audit_tx(d, update_in_tx, &c);
}

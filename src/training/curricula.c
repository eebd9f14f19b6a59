/* curricula.c: reading curricula, their versions and modules, and the
 * names of components and instructor kinds. Writes live in
 * curricula_edit.c. */
#include "curricula.h"

#include <string.h>

#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "curricula_internal.h"

static const char *const components[] = {
    "clinical", "lived_experience", "deescalation", "scenarios",
    "legal",    "resources",        "program",      NULL,
};
static const char *const component_labels[] = {
    "Clinical topics",       "Lived experience", "Verbal de-escalation",
    "Scenario practice",     "Legal issues",     "Community resources and site visits",
    "Program and logistics",
};
static const char *const kinds[] = {"clinician", "officer", "presenter", "role_player", NULL};
static const char *const kind_labels[] = {
    "Clinician",
    "Experienced officer",
    "Presenter (lived experience or family)",
    "Role player",
};

const char *const *curriculum_components(void)
{
	return components;
}

const char *curriculum_component_label(const char *component)
{
	for (size_t i = 0; component && components[i]; i++)
		if (!strcmp(components[i], component))
			return component_labels[i];
	return component ? component : "";
}

const char *const *curriculum_instructor_kinds(void)
{
	return kinds;
}

const char *curriculum_instructor_kind_label(const char *kind)
{
	for (size_t i = 0; kind && kinds[i]; i++)
		if (!strcmp(kinds[i], kind))
			return kind_labels[i];
	return kind ? kind : "";
}

bool curriculum_module_taught_by(const curriculum_module *m, const char *kind)
{
	size_t len = kind ? strlen(kind) : 0;
	if (!len || !m->instructor_kinds)
		return false;
	for (const char *p = m->instructor_kinds; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == len && !strncmp(p, kind, len))
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

#define VERSION_COLUMNS                                                                            \
	"v.id, v.curriculum_id, c.name, c.kind, v.version, v.title, v.status, "                    \
	"COALESCE(v.based_on_id, 0), COALESCE(v.approved_at, 0), COALESCE(v.approved_by, 0), "     \
	"v.created_at, v.updated_at, "                                                             \
	"(SELECT COALESCE(SUM(m.minutes), 0) FROM curriculum_modules m WHERE m.version_id = "      \
	"v.id), "                                                                                  \
	"(SELECT COUNT(*) FROM curriculum_modules m WHERE m.version_id = v.id) "

static void read_version(arena *a, db_stmt *s, curriculum_version *v)
{
	*v = (curriculum_version){
	    .id = db_col_int(s, 0),
	    .curriculum_id = db_col_int(s, 1),
	    .curriculum_name = db_col_dup(a, s, 2),
	    .kind = db_col_dup(a, s, 3),
	    .version = (int)db_col_int(s, 4),
	    .title = db_col_dup(a, s, 5),
	    .status = db_col_dup(a, s, 6),
	    .based_on_id = db_col_int(s, 7),
	    .approved_at = db_col_int(s, 8),
	    .approved_by = db_col_int(s, 9),
	    .created_at = db_col_int(s, 10),
	    .updated_at = db_col_int(s, 11),
	    .total_minutes = (int)db_col_int(s, 12),
	    .module_count = (int)db_col_int(s, 13),
	};
}

/* A version by id with no permission check (for the write paths). */
int curriculum_version_load(db *d, arena *a, int64_t id, curriculum_version *out)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT " VERSION_COLUMNS "FROM curriculum_versions v "
	                    "JOIN curricula c ON c.id = v.curriculum_id WHERE v.id = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_version(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int curriculum_version_get(db *d, arena *a, const principal *actor, int64_t id,
                           curriculum_version *out)
{
	if (!auth_allowed(actor, PERM_CURRICULA_READ) && !auth_allowed(actor, PERM_COURSES_READ))
		return CK_E_FORBIDDEN;
	return curriculum_version_load(d, a, id, out);
}

/* Collects the rows of s (already bound) with read; *items from a. */
typedef void (*row_reader)(arena *a, db_stmt *s, void *item);

static int collect(arena *a, db_stmt *s, size_t size, row_reader read, void **items, size_t *n)
{
	size_t cap = 16, count = 0;
	char *out = arena_array(a, cap, size);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == cap) {
			char *bigger = arena_array(a, cap * 2, size);
			memcpy(bigger, out, cap * size);
			out = bigger;
			cap *= 2;
		}
		read(a, s, out + count * size);
		count++;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

static void read_version_row(arena *a, db_stmt *s, void *item)
{
	read_version(a, s, item);
}

static void read_module(arena *a, db_stmt *s, void *item)
{
	curriculum_module *m = item;
	*m = (curriculum_module){
	    .id = db_col_int(s, 0),
	    .version_id = db_col_int(s, 1),
	    .code = db_col_dup(a, s, 2),
	    .position = (int)db_col_int(s, 3),
	    .day = (int)db_col_int(s, 4),
	    .title = db_col_dup(a, s, 5),
	    .component = db_col_dup(a, s, 6),
	    .minutes = (int)db_col_int(s, 7),
	    .objectives = db_col_dup(a, s, 8),
	    .instructor_kinds = db_col_dup(a, s, 9),
	    .is_required = db_col_int(s, 10) != 0,
	    .model_minutes = (int)db_col_int(s, 11),
	};
}

int curriculum_modules_list(db *d, arena *a, int64_t version_id, curriculum_module **modules,
                            size_t *n)
{
	db_stmt *s;
	*modules = NULL;
	*n = 0;
	int rc =
	    db_prepare(d,
	               "SELECT id, version_id, code, position, day, title, component, minutes, "
	               "objectives, instructor_kinds, is_required, COALESCE(model_minutes, 0) "
	               "FROM curriculum_modules WHERE version_id = $1 ORDER BY position, id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, version_id);
	return collect(a, s, sizeof **modules, read_module, (void **)modules, n);
}

int curriculum_versions_approved(db *d, arena *a, const principal *actor,
                                 curriculum_version **items, size_t *n)
{
	db_stmt *s;
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_CURRICULA_READ) && !auth_allowed(actor, PERM_COURSES_WRITE))
		return CK_E_FORBIDDEN;
	int rc = db_prepare(d,
	                    "SELECT " VERSION_COLUMNS "FROM curriculum_versions v "
	                    "JOIN curricula c ON c.id = v.curriculum_id "
	                    "WHERE v.status = 'approved' "
	                    "ORDER BY CASE WHEN c.kind = 'local' THEN 0 ELSE 1 END, c.name, "
	                    "v.version DESC",
	                    &s);
	if (rc < 0)
		return rc;
	return collect(a, s, sizeof **items, read_version_row, (void **)items, n);
}

int curriculum_versions_of(db *d, arena *a, const principal *actor, int64_t curriculum_id,
                           curriculum_version **items, size_t *n)
{
	db_stmt *s;
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_CURRICULA_READ))
		return CK_E_FORBIDDEN;
	int rc = db_prepare(d,
	                    "SELECT " VERSION_COLUMNS "FROM curriculum_versions v "
	                    "JOIN curricula c ON c.id = v.curriculum_id "
	                    "WHERE v.curriculum_id = $1 ORDER BY v.version DESC",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, curriculum_id);
	return collect(a, s, sizeof **items, read_version_row, (void **)items, n);
}

static void read_curriculum(arena *a, db_stmt *s, void *item)
{
	curriculum *c = item;
	*c = (curriculum){
	    .id = db_col_int(s, 0),
	    .name = db_col_dup(a, s, 1),
	    .kind = db_col_dup(a, s, 2),
	    .created_at = db_col_int(s, 3),
	    .latest_version_id = db_col_int(s, 4),
	    .latest_version = (int)db_col_int(s, 5),
	    .latest_status = db_col_dup(a, s, 6),
	    .approved_version_id = db_col_int(s, 7),
	};
}

/* The model first, then by name; the same key for the cursor's row. */
#define CURRICULUM_ORDER(c) "CASE WHEN " c ".kind = 'model' THEN 0 ELSE 1 END, " c ".name, " c ".id"

/* limit 0: every curriculum; after: the id to continue after (0: none). */
static int curricula_page(db *d, arena *a, int limit, int64_t after, curriculum **items, size_t *n)
{
	db_stmt *s;
	int rc = db_prepare(
	    d,
	    "SELECT c.id, c.name, c.kind, c.created_at, v.id, v.version, v.status, "
	    "COALESCE((SELECT MAX(p.id) FROM curriculum_versions p "
	    "WHERE p.curriculum_id = c.id AND p.status = 'approved'), 0) "
	    "FROM curricula c JOIN curriculum_versions v ON v.curriculum_id = c.id "
	    "AND v.version = (SELECT MAX(x.version) FROM curriculum_versions x "
	    "WHERE x.curriculum_id = c.id) "
	    "WHERE CAST($1 AS BIGINT) = 0 OR (" CURRICULUM_ORDER(
	        "c") ") > "
	             "(SELECT " CURRICULUM_ORDER("k") " FROM curricula k WHERE k.id = $1) "
	                                              "ORDER BY " CURRICULUM_ORDER("c") " LIMIT $2",
	    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, after);
	db_bind_int(s, 2, limit ? (int64_t)limit + 1 : INT32_MAX);
	return collect(a, s, sizeof **items, read_curriculum, (void **)items, n);
}

int curriculum_list(db *d, arena *a, const principal *actor, curriculum **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_CURRICULA_READ))
		return CK_E_FORBIDDEN;
	return curricula_page(d, a, 0, 0, items, n);
}

int curriculum_page(db *d, arena *a, const principal *actor, int limit, const char *cursor,
                    curriculum **items, size_t *n, const char **next_cursor)
{
	int64_t after;
	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (!auth_allowed(actor, PERM_CURRICULA_READ))
		return CK_E_FORBIDDEN;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	limit = auth_limit(limit);
	rc = curricula_page(d, a, limit, after, items, n);
	if (rc == 0 && *n > (size_t)limit) {
		*n = (size_t)limit;
		*next_cursor = auth_cursor_make(a, (*items)[*n - 1].id);
	}
	return rc;
}

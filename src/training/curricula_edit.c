/* curricula_edit.c: changing curricula: derive a draft from the model or
 * an earlier version, edit a draft's modules, approve it when the
 * guideline rules pass. Approved versions never change. Each write is one
 * audit_tx: the change and its audit row commit together or not at all. */
#include "curricula.h"

#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/buf.h"
#include "../base/errors.h"
#include "curricula_internal.h"
#include "curricula_model.h"
#include "guidelines.h"

int curriculum_check(db *d, arena *a, const curriculum_module *modules, size_t n,
                     struct guideline_result *out, bool *all_passed)
{
	guideline_limits l;
	curriculum_module *model = NULL;
	size_t model_n = 0;
	int64_t model_id;
	int rc = guideline_limits_load(d, a, &l);
	if (rc < 0)
		return rc;
	rc = curriculum_model_version(d, &model_id);
	if (rc == 0)
		rc = curriculum_modules_list(d, a, model_id, &model, &model_n);
	else if (rc == CK_E_NOT_FOUND)
		rc = 0; /* no model loaded: nothing is required */
	if (rc < 0)
		return rc;
	*all_passed = guidelines_check(a, &l, modules, n, model, model_n, out);
	return 0;
}

/* The version, which must be a draft: CK_E_CONFLICT with the message
 * otherwise. */
static int load_draft(db *d, arena *a, int64_t id, curriculum_version *v, field_errors *errs)
{
	int rc = curriculum_version_load(d, a, id, v);
	if (rc < 0)
		return rc;
	if (strcmp(v->status, "draft")) {
		field_errors_add(errs, "version", CURRICULUM_IMMUTABLE_MESSAGE);
		return CK_E_CONFLICT;
	}
	return 0;
}

static int audit(db *d, arena *a, const principal *actor, const char *action, int64_t version_id,
                 json_t *detail)
{
	return audit_append(d, actor, action, "curriculum_version", auth_id_text(a, version_id),
	                    AUDIT_SUCCESS, auth_json_text(a, detail));
}

static int touch(db *d, int64_t version_id)
{
	int rc = db_run(d, "UPDATE curriculum_versions SET updated_at = $1 WHERE id = $2", "ii",
	                auth_now(), version_id);
	return rc < 0 ? rc : 0;
}

/* ---- derive ---- */

enum { D_FROM, D_NAME, D_TITLE, D_COUNT };
static const field_spec derive_specs[D_COUNT] = {
    [D_FROM] = {"from_version_id", FIELD_INT, true, 1, INT64_MAX, NULL, "Start from"},
    [D_NAME] = {"name", FIELD_TEXT, false, 1, 200, NULL, "Name"},
    [D_TITLE] = {"title", FIELD_TEXT, false, 1, 200, NULL, "Title"},
};

typedef struct derive_ctx {
	arena *a;
	const principal *actor;
	int64_t from;
	const char *name, *title;
	field_errors *errs;
	int64_t id;
} derive_ctx;

static int derive_in_tx(db *d, void *vctx)
{
	derive_ctx *c = vctx;
	curriculum_version from;
	int rc = curriculum_version_load(d, c->a, c->from, &from);
	if (rc == CK_E_NOT_FOUND) {
		field_errors_add(c->errs, "from_version_id", "is not a curriculum version");
		return CK_E_INVALID;
	}
	if (rc < 0)
		return rc;
	int64_t curriculum_id = from.curriculum_id, number = 0, now = auth_now();
	if (c->name) {
		int64_t other = 0;
		rc = db_query_int(d, &other, "SELECT id FROM curricula WHERE name = $1", "t",
		                  c->name);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW) {
			field_errors_add(c->errs, "name", "is already used by another curriculum");
			return CK_E_CONFLICT;
		}
		rc = db_query_int(d, &curriculum_id,
		                  "INSERT INTO curricula (name, kind, created_at) "
		                  "VALUES ($1, 'local', $2) RETURNING id",
		                  "ti", c->name, now);
		if (rc < 0)
			return rc;
		number = 1;
	} else {
		if (strcmp(from.kind, "local")) {
			field_errors_add(c->errs, "name",
			                 "is required to derive a local curriculum from the model");
			return CK_E_INVALID;
		}
		rc = db_query_int(d, &number,
		                  "SELECT COALESCE(MAX(version), 0) + 1 FROM curriculum_versions "
		                  "WHERE curriculum_id = $1",
		                  "i", curriculum_id);
		if (rc < 0)
			return rc;
	}
	const char *title = c->title ? c->title : c->name ? c->name : from.title;
	rc = db_query_int(d, &c->id,
	                  "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	                  "based_on_id, created_at, updated_at) "
	                  "VALUES ($1, $2, $3, 'draft', $4, $5, $5) RETURNING id",
	                  "iitii", curriculum_id, number, title, c->from, now);
	if (rc < 0)
		return rc;
	curriculum_module *m;
	size_t n;
	rc = curriculum_modules_list(d, c->a, c->from, &m, &n);
	if (rc < 0)
		return rc;
	rc = curriculum_modules_insert(d, c->id, m, n);
	if (rc < 0)
		return rc;
	return audit(d, c->a, c->actor, "curriculum.derive", c->id,
	             json_pack("{s:I, s:I, s:i}", "from_version_id", (json_int_t)c->from,
	                       "curriculum_id", (json_int_t)curriculum_id, "version", (int)number));
}

int curriculum_derive(db *d, arena *a, const principal *actor, const kv *in, int64_t *version_id,
                      field_errors *errs)
{
	field_value v[D_COUNT];
	if (!auth_allowed(actor, PERM_CURRICULA_WRITE))
		return CK_E_FORBIDDEN;
	int rc = validate_fields(a, in, derive_specs, D_COUNT, v, errs);
	if (rc < 0)
		return rc;
	derive_ctx c = {a,
	                actor,
	                v[D_FROM].number,
	                v[D_NAME].present ? v[D_NAME].text : NULL,
	                v[D_TITLE].present ? v[D_TITLE].text : NULL,
	                errs,
	                0};
	rc = audit_tx(d, derive_in_tx, &c);
	if (rc == 0 && version_id)
		*version_id = c.id;
	return rc;
}

/* ---- the version's title ---- */

typedef struct title_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	const char *title;
	field_errors *errs;
} title_ctx;

static int title_in_tx(db *d, void *vctx)
{
	title_ctx *c = vctx;
	curriculum_version v;
	int rc = load_draft(d, c->a, c->id, &v, c->errs);
	if (rc < 0 || !strcmp(v.title, c->title))
		return rc;
	rc = db_run(d, "UPDATE curriculum_versions SET title = $1, updated_at = $2 WHERE id = $3",
	            "tii", c->title, auth_now(), c->id);
	if (rc < 0)
		return rc;
	return audit(d, c->a, c->actor, "curriculum.update", c->id,
	             json_pack("{s:s, s:s}", "before", v.title, "after", c->title));
}

int curriculum_version_update(db *d, arena *a, const principal *actor, int64_t version_id,
                              const kv *in, field_errors *errs)
{
	static const field_spec spec = {"title", FIELD_TEXT, true, 1, 200, NULL, "Title"};
	field_value v;
	if (!auth_allowed(actor, PERM_CURRICULA_WRITE))
		return CK_E_FORBIDDEN;
	int rc = validate_fields(a, in, &spec, 1, &v, errs);
	if (rc < 0)
		return rc;
	title_ctx c = {a, actor, version_id, v.text, errs};
	return audit_tx(d, title_in_tx, &c);
}

/* ---- modules ---- */

enum { M_TITLE, M_COMPONENT, M_MINUTES, M_DAY, M_CODE, M_OBJECTIVES, M_KINDS, M_POSITION, M_COUNT };

static const field_spec module_specs[M_COUNT] = {
    [M_TITLE] = {"title", FIELD_TEXT, true, 1, 200, NULL, "Title"},
    [M_COMPONENT] = {"component", FIELD_ENUM, true, 0, 0, NULL, "Component"},
    [M_MINUTES] = {"minutes", FIELD_INT, true, 1, 1440, NULL, "Minutes"},
    [M_DAY] = {"day", FIELD_INT, false, 1, 5, NULL, "Day"},
    [M_CODE] = {"code", FIELD_TEXT, false, 1, 64, NULL, "Code"},
    [M_OBJECTIVES] = {"objectives", FIELD_MULTILINE, false, 0, 4000, NULL, "Learning objectives"},
    [M_KINDS] = {"instructor_kinds", FIELD_ENUM_LIST, false, 0, 0, NULL, "Instructor kinds"},
    [M_POSITION] = {"position", FIELD_INT, false, 1, 1000, NULL, "Position"},
};

static void module_field_specs(field_spec out[M_COUNT])
{
	memcpy(out, module_specs, sizeof module_specs);
	out[M_COMPONENT].choices = curriculum_components();
	out[M_KINDS].choices = curriculum_instructor_kinds();
}

/* "Officer wellness & resilience" → "officer-wellness-resilience". */
static const char *code_from_title(arena *a, const char *title)
{
	char *out = arena_alloc(a, 65);
	size_t n = 0;
	for (const char *p = title; *p && n < 64; p++) {
		char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = ch;
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	return n ? out : "module";
}

static bool is_code(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static const char *kinds_text(arena *a, const field_value *v)
{
	if (!v->present)
		return "";
	buf b;
	buf_init(&b, a);
	for (size_t i = 0; i < v->list_len; i++)
		buf_printf(&b, "%s%s", i ? "," : "", v->list[i]);
	return buf_str(&b);
}

typedef struct module_ctx {
	arena *a;
	const principal *actor;
	int64_t version_id, module_id;
	field_value *v;
	field_errors *errs;
} module_ctx;

static int code_taken(db *d, int64_t version_id, const char *code, int64_t except, bool *taken)
{
	int64_t id;
	int rc =
	    db_query_int(d, &id,
	                 "SELECT id FROM curriculum_modules WHERE version_id = $1 AND code = $2 "
	                 "AND id <> $3",
	                 "iti", version_id, code, except);
	*taken = rc == DB_ROW;
	return rc < 0 ? rc : 0;
}

static int add_in_tx(db *d, void *vctx)
{
	module_ctx *c = vctx;
	field_value *v = c->v;
	curriculum_version ver;
	int rc = load_draft(d, c->a, c->version_id, &ver, c->errs);
	if (rc < 0)
		return rc;
	const char *code =
	    v[M_CODE].present ? v[M_CODE].text : code_from_title(c->a, v[M_TITLE].text);
	bool taken;
	rc = code_taken(d, c->version_id, code, 0, &taken);
	if (rc < 0)
		return rc;
	if (taken) {
		if (v[M_CODE].present) {
			field_errors_add(c->errs, "code", "is already used in this version");
			return CK_E_CONFLICT;
		}
		/* A title like an existing module's: make the code unique. */
		int64_t next = 0;
		rc = db_query_int(d, &next,
		                  "SELECT COUNT(*) + 1 FROM curriculum_modules "
		                  "WHERE version_id = $1",
		                  "i", c->version_id);
		if (rc < 0)
			return rc;
		code = arena_printf(c->a, "%s-%lld", code, (long long)next);
	}
	int64_t position = 0;
	rc = db_query_int(d, &position,
	                  "SELECT COALESCE(MAX(position), 0) + 1 FROM curriculum_modules "
	                  "WHERE version_id = $1",
	                  "i", c->version_id);
	if (rc < 0)
		return rc;
	rc = db_query_int(d, &c->module_id,
	                  "INSERT INTO curriculum_modules (version_id, code, position, day, title, "
	                  "component, minutes, objectives, instructor_kinds, is_required) "
	                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0) RETURNING id",
	                  "itiittitt", c->version_id, code, position,
	                  v[M_DAY].present ? v[M_DAY].number : (int64_t)1, v[M_TITLE].text,
	                  v[M_COMPONENT].text, v[M_MINUTES].number,
	                  v[M_OBJECTIVES].present ? v[M_OBJECTIVES].text : "",
	                  kinds_text(c->a, &v[M_KINDS]));
	if (rc < 0)
		return rc;
	rc = touch(d, c->version_id);
	if (rc < 0)
		return rc;
	return audit(d, c->a, c->actor, "curriculum.module_add", c->version_id,
	             json_pack("{s:s, s:s, s:s, s:I}", "code", code, "title", v[M_TITLE].text,
	                       "component", v[M_COMPONENT].text, "minutes",
	                       (json_int_t)v[M_MINUTES].number));
}

int curriculum_module_add(db *d, arena *a, const principal *actor, int64_t version_id, const kv *in,
                          int64_t *module_id, field_errors *errs)
{
	field_spec specs[M_COUNT];
	field_value v[M_COUNT];
	if (!auth_allowed(actor, PERM_CURRICULA_WRITE))
		return CK_E_FORBIDDEN;
	module_field_specs(specs);
	int rc = validate_fields(a, in, specs, M_POSITION, v, errs);
	if (v[M_CODE].present && !is_code(v[M_CODE].text)) {
		field_errors_add(errs, "code", "may hold only a-z, 0-9 and -");
		rc = CK_E_INVALID;
	}
	if (rc < 0)
		return rc;
	v[M_POSITION] = (field_value){0};
	module_ctx c = {a, actor, version_id, 0, v, errs};
	rc = audit_tx(d, add_in_tx, &c);
	if (rc == 0 && module_id)
		*module_id = c.module_id;
	return rc;
}

int curriculum_module_version(db *d, int64_t module_id, int64_t *version_id)
{
	int rc =
	    db_query_int(d, version_id, "SELECT version_id FROM curriculum_modules WHERE id = $1",
	                 "i", module_id);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

/* The module and its draft version. */
static int load_module(db *d, module_ctx *c, curriculum_module *out, curriculum_module **all,
                       size_t *n)
{
	curriculum_version ver;
	int rc = curriculum_module_version(d, c->module_id, &c->version_id);
	if (rc < 0)
		return rc;
	rc = load_draft(d, c->a, c->version_id, &ver, c->errs);
	if (rc < 0)
		return rc;
	rc = curriculum_modules_list(d, c->a, c->version_id, all, n);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < *n; i++)
		if ((*all)[i].id == c->module_id) {
			*out = (*all)[i];
			return 0;
		}
	return CK_E_NOT_FOUND;
}

/* Moves the module to position (1-based, clamped) and renumbers all. */
static int reorder(db *d, curriculum_module *all, size_t n, int64_t module_id, int64_t position)
{
	if (position > (int64_t)n)
		position = (int64_t)n;
	size_t from = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].id == module_id)
			from = i;
	curriculum_module moved = all[from];
	size_t to = (size_t)position - 1;
	if (from < to)
		memmove(&all[from], &all[from + 1], (to - from) * sizeof *all);
	else if (from > to)
		memmove(&all[to + 1], &all[to], (from - to) * sizeof *all);
	all[to] = moved;
	for (size_t i = 0; i < n; i++) {
		if (all[i].position == (int)i + 1)
			continue;
		int rc = db_run(d, "UPDATE curriculum_modules SET position = $1 WHERE id = $2",
		                "ii", (int64_t)(i + 1), all[i].id);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int update_in_tx(db *d, void *vctx)
{
	module_ctx *c = vctx;
	field_value *v = c->v;
	curriculum_module m, *all;
	size_t n;
	int rc = load_module(d, c, &m, &all, &n);
	if (rc < 0)
		return rc;
	if (v[M_COMPONENT].present && strcmp(v[M_COMPONENT].text, m.component) &&
	    m.model_minutes > 0) {
		field_errors_add(c->errs, "component",
		                 "of a module from the national model cannot change");
		return CK_E_INVALID;
	}
	if (v[M_CODE].present && strcmp(v[M_CODE].text, m.code)) {
		field_errors_add(c->errs, "code",
		                 "cannot change: it ties the module across versions");
		return CK_E_INVALID;
	}
	curriculum_module after = m;
	if (v[M_TITLE].present)
		after.title = v[M_TITLE].text;
	if (v[M_COMPONENT].present)
		after.component = v[M_COMPONENT].text;
	if (v[M_MINUTES].present)
		after.minutes = (int)v[M_MINUTES].number;
	if (v[M_DAY].present)
		after.day = (int)v[M_DAY].number;
	if (v[M_OBJECTIVES].present)
		after.objectives = v[M_OBJECTIVES].text;
	if (v[M_KINDS].present)
		after.instructor_kinds = kinds_text(c->a, &v[M_KINDS]);
	rc = db_run(d,
	            "UPDATE curriculum_modules SET title = $1, component = $2, minutes = $3, "
	            "day = $4, objectives = $5, instructor_kinds = $6 WHERE id = $7",
	            "ttiitti", after.title, after.component, (int64_t)after.minutes,
	            (int64_t)after.day, after.objectives, after.instructor_kinds, m.id);
	if (rc < 0)
		return rc;
	if (v[M_POSITION].present && v[M_POSITION].number != m.position) {
		rc = reorder(d, all, n, m.id, v[M_POSITION].number);
		if (rc < 0)
			return rc;
	}
	rc = touch(d, c->version_id);
	if (rc < 0)
		return rc;
	return audit(
	    d, c->a, c->actor, "curriculum.module_update", c->version_id,
	    json_pack("{s:s, s:{s:s, s:i, s:i, s:i}, s:{s:s, s:i, s:i, s:I}}", "code", m.code,
	              "before", "title", m.title, "minutes", m.minutes, "day", m.day, "position",
	              m.position, "after", "title", after.title, "minutes", after.minutes, "day",
	              after.day, "position",
	              (json_int_t)(v[M_POSITION].present ? v[M_POSITION].number : m.position)));
}

int curriculum_module_update(db *d, arena *a, const principal *actor, int64_t module_id,
                             const kv *in, field_errors *errs)
{
	field_spec specs[M_COUNT];
	field_value v[M_COUNT];
	if (!auth_allowed(actor, PERM_CURRICULA_WRITE))
		return CK_E_FORBIDDEN;
	module_field_specs(specs);
	int rc = auth_validate_update(a, in, specs, M_COUNT, v, errs);
	if (rc < 0)
		return rc;
	module_ctx c = {a, actor, 0, module_id, v, errs};
	return audit_tx(d, update_in_tx, &c);
}

static int remove_in_tx(db *d, void *vctx)
{
	module_ctx *c = vctx;
	curriculum_module m, *all;
	size_t n;
	int rc = load_module(d, c, &m, &all, &n);
	if (rc < 0)
		return rc;
	if (m.is_required) {
		field_errors_add(
		    c->errs, "module",
		    "is required by the national model: it can be re-timed, not removed");
		return CK_E_CONFLICT;
	}
	rc = db_run(d, "DELETE FROM curriculum_modules WHERE id = $1", "i", m.id);
	if (rc < 0)
		return rc;
	rc = db_run(d,
	            "UPDATE curriculum_modules SET position = position - 1 "
	            "WHERE version_id = $1 AND position > $2",
	            "ii", c->version_id, (int64_t)m.position);
	if (rc < 0)
		return rc;
	rc = touch(d, c->version_id);
	if (rc < 0)
		return rc;
	return audit(
	    d, c->a, c->actor, "curriculum.module_remove", c->version_id,
	    json_pack("{s:s, s:s, s:i}", "code", m.code, "title", m.title, "minutes", m.minutes));
}

int curriculum_module_remove(db *d, arena *a, const principal *actor, int64_t module_id,
                             field_errors *errs)
{
	if (!auth_allowed(actor, PERM_CURRICULA_WRITE))
		return CK_E_FORBIDDEN;
	module_ctx c = {a, actor, 0, module_id, NULL, errs};
	return audit_tx(d, remove_in_tx, &c);
}

/* ---- approval ---- */

typedef struct approve_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	field_errors *errs;
} approve_ctx;

static int approve_in_tx(db *d, void *vctx)
{
	approve_ctx *c = vctx;
	curriculum_version v;
	int rc = load_draft(d, c->a, c->id, &v, c->errs);
	if (rc < 0)
		return rc;
	curriculum_module *m;
	size_t n;
	rc = curriculum_modules_list(d, c->a, c->id, &m, &n);
	if (rc < 0)
		return rc;
	guideline_result r[GUIDELINE_RULES];
	bool ok;
	rc = curriculum_check(d, c->a, m, n, r, &ok);
	if (rc < 0)
		return rc;
	if (!ok) {
		for (size_t i = 0; i < GUIDELINE_RULES; i++)
			if (!r[i].is_passed)
				field_errors_add(
				    c->errs, r[i].rule,
				    arena_printf(c->a, "%s: %s", r[i].label, r[i].message));
		return CK_E_CONFLICT;
	}
	int64_t now = auth_now();
	static const char *const sql =
	    "UPDATE curriculum_versions SET status = 'approved', approved_at = $1, "
	    "approved_by = $2, updated_at = $1 WHERE id = $3";
	/* The system (CLI, demo) approves as nobody: approved_by stays NULL. */
	if (c->actor->user_id)
		rc = db_run(d, sql, "iii", now, c->actor->user_id, c->id);
	else
		rc = db_run(d, sql, "ini", now, c->id);
	if (rc < 0)
		return rc;
	return audit(d, c->a, c->actor, "curriculum.approve", c->id,
	             json_pack("{s:i, s:i}", "modules", (int)n, "minutes", v.total_minutes));
}

int curriculum_approve(db *d, arena *a, const principal *actor, int64_t version_id,
                       field_errors *errs)
{
	if (!auth_allowed(actor, PERM_CURRICULA_WRITE))
		return CK_E_FORBIDDEN;
	approve_ctx c = {a, actor, version_id, errs};
	return audit_tx(d, approve_in_tx, &c);
}

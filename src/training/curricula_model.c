/* curricula_model.c: the national curriculum model, shipped as
 * data/curricula/national-model.csv and embedded in the binary. The CSV
 * is read with libcsv into module structs (every field checked, one
 * message for the first problem: the file is ours, a problem is a bug
 * caught by the tests) and loaded once into the database as the
 * curriculum of kind "model" with one approved version. */
#include "curricula_model.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../base/embedded.h"
#include "../base/errors.h"
#include "../base/validate.h"

extern const struct embedded_file curricula_data[];

enum { N_COLUMNS = 8, MAX_MODULES = 200, MAX_FIELD = 4000 };
static const char *const header[N_COLUMNS] = {
    "code", "day", "title", "component", "minutes", "required", "instructor_kinds", "objectives",
};

typedef struct parse_state {
	arena *a;
	const char *fields[N_COLUMNS];
	size_t n_fields;
	bool too_many, have_header, failed;
	int record; /* 1 = the header */
	curriculum_module *mods;
	size_t n;
	char *err;
	size_t errlen;
} parse_state;

/* Keeps the first problem only; returns false for the caller to pass on. */
__attribute__((format(printf, 2, 3))) static bool fail(parse_state *st, const char *fmt, ...)
{
	if (st->failed)
		return false;
	st->failed = true;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(st->err, st->errlen, "record %d: %s", st->record, msg);
	return false;
}

static void on_field(void *data, size_t len, void *ctx)
{
	parse_state *st = ctx;
	if (st->n_fields == N_COLUMNS) {
		st->too_many = true;
		return;
	}
	st->fields[st->n_fields++] = arena_strndup(st->a, data ? data : "", len);
	if (len > MAX_FIELD || strlen(st->fields[st->n_fields - 1]) != len)
		fail(st, "a field is too long or holds a NUL byte");
}

static bool is_code(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static bool in_list(const char *const *list, const char *s, size_t len)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], s, len))
			return true;
	return false;
}

/* A comma list of instructor kinds, each known. */
static bool is_kinds(const char *s)
{
	if (!*s)
		return false;
	for (;;) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (!in_list(curriculum_instructor_kinds(), s, n))
			return false;
		if (!end)
			return true;
		s = end + 1;
	}
}

static bool number(const char *s, int lo, int hi, int *out)
{
	char *end;
	if (!*s || *s == '+' || *s == '-' || *s == ' ')
		return false;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static bool one_line(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max || !validate_utf8(s, n))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			return false;
	return true;
}

static bool read_row(parse_state *st)
{
	const char *const *f = st->fields;
	curriculum_module m = {.code = f[0], .title = f[2], .component = f[3]};
	if (!is_code(f[0]))
		return fail(st, "code \"%s\" must be 1-64 of a-z, 0-9 and -", f[0]);
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->mods[i].code, f[0]))
			return fail(st, "code \"%s\" appears twice", f[0]);
	if (!number(f[1], 1, 5, &m.day))
		return fail(st, "day \"%s\" must be 1 to 5", f[1]);
	if (!one_line(f[2], 200))
		return fail(st, "title \"%s\" must be one line of 1-200 bytes", f[2]);
	if (!in_list(curriculum_components(), f[3], strlen(f[3])))
		return fail(st, "component \"%s\" is unknown", f[3]);
	if (!number(f[4], 1, 1440, &m.minutes))
		return fail(st, "minutes \"%s\" must be 1 to 1440", f[4]);
	if (strcmp(f[5], "yes") && strcmp(f[5], "no"))
		return fail(st, "required \"%s\" must be yes or no", f[5]);
	m.is_required = !strcmp(f[5], "yes");
	if (!is_kinds(f[6]))
		return fail(st, "instructor_kinds \"%s\" must list known kinds", f[6]);
	m.instructor_kinds = f[6];
	if (!validate_utf8(f[7], strlen(f[7])))
		return fail(st, "objectives of %s are not UTF-8", f[0]);
	m.objectives = f[7];
	if (st->n == MAX_MODULES)
		return fail(st, "%d modules at most", MAX_MODULES);
	m.position = (int)st->n + 1;
	m.model_minutes = m.minutes;
	st->mods[st->n++] = m;
	return true;
}

static void on_record(int terminator, void *ctx)
{
	parse_state *st = ctx;
	(void)terminator;
	st->record++;
	if (!st->failed) {
		if (st->too_many || st->n_fields != N_COLUMNS)
			fail(st, "needs exactly %d fields", N_COLUMNS);
		else if (!st->have_header) {
			for (size_t i = 0; i < N_COLUMNS; i++)
				if (strcmp(st->fields[i], header[i]))
					fail(st, "the header must be code,day,title,component,"
					         "minutes,required,instructor_kinds,objectives");
			st->have_header = true;
		} else {
			(void)read_row(st);
		}
	}
	st->n_fields = 0;
	st->too_many = false;
}

int curriculum_model_parse(arena *a, const char *data, size_t len, curriculum_module **mods,
                           size_t *n, char *err, size_t errlen)
{
	struct csv_parser p;
	parse_state st = {.a = a, .err = err, .errlen = errlen};
	*mods = NULL;
	*n = 0;
	if (errlen)
		err[0] = '\0';
	st.mods = arena_array(a, MAX_MODULES, sizeof *st.mods);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return CK_E_INTERNAL;
	if (csv_parse(&p, data, len, on_field, on_record, &st) != len) {
		st.record++;
		fail(&st, "not well-formed CSV (a quote out of place?)");
	}
	if (csv_fini(&p, on_field, on_record, &st) != 0)
		fail(&st, "the file ends inside a quoted field");
	csv_free(&p);
	if (!st.failed && st.n == 0)
		fail(&st, "the file has no modules");
	if (st.failed)
		return CK_E_INVALID;
	*mods = st.mods;
	*n = st.n;
	return 0;
}

int curriculum_model_embedded(const char **data, size_t *len)
{
	for (size_t i = 0; curricula_data[i].name; i++)
		if (!strcmp(curricula_data[i].name, "national-model.csv")) {
			*data = (const char *)curricula_data[i].data;
			*len = curricula_data[i].len;
			return 0;
		}
	return CK_E_NOT_FOUND;
}

int curriculum_model_version(db *d, int64_t *version_id)
{
	*version_id = 0;
	int rc = db_query_int(d, version_id,
	                      "SELECT v.id FROM curriculum_versions v "
	                      "JOIN curricula c ON c.id = v.curriculum_id "
	                      "WHERE c.kind = 'model' AND v.status = 'approved' "
	                      "ORDER BY v.version DESC LIMIT 1",
	                      "");
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int curriculum_modules_insert(db *d, int64_t version_id, const curriculum_module *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = db_run(d,
		                "INSERT INTO curriculum_modules (version_id, code, position, day, "
		                "title, component, minutes, objectives, instructor_kinds, "
		                "is_required, model_minutes) "
		                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		                m[i].model_minutes > 0 ? "itiittittbi" : "itiittittbn", version_id,
		                m[i].code, (int64_t)(i + 1), (int64_t)m[i].day, m[i].title,
		                m[i].component, (int64_t)m[i].minutes, m[i].objectives,
		                m[i].instructor_kinds, (int)m[i].is_required,
		                (int64_t)m[i].model_minutes);
		if (rc < 0)
			return rc;
	}
	return 0;
}

typedef struct load_ctx {
	arena *a;
	const principal *actor;
	const curriculum_module *mods;
	size_t n;
	bool loaded;
} load_ctx;

static int load_in_tx(db *d, void *vctx)
{
	load_ctx *c = vctx;
	int64_t id = 0;
	c->loaded = false;
	int rc = db_query_int(d, &id, "SELECT id FROM curricula WHERE kind = 'model'", "");
	if (rc != DB_DONE)
		return rc < 0 ? rc : 0; /* already there: nothing to do */
	int64_t now = auth_now(), vid = 0;
	rc = db_query_int(d, &id,
	                  "INSERT INTO curricula (name, kind, created_at) VALUES ($1, 'model', $2) "
	                  "RETURNING id",
	                  "ti", CURRICULUM_MODEL_NAME, now);
	if (rc < 0)
		return rc;
	rc = db_query_int(d, &vid,
	                  "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	                  "approved_at, created_at, updated_at) "
	                  "VALUES ($1, 1, $2, 'approved', $3, $3, $3) RETURNING id",
	                  "iti", id, CURRICULUM_MODEL_NAME, now);
	if (rc < 0)
		return rc;
	rc = curriculum_modules_insert(d, vid, c->mods, c->n);
	if (rc < 0)
		return rc;
	c->loaded = true;
	json_t *detail =
	    json_pack("{s:I, s:i}", "version_id", (json_int_t)vid, "modules", (int)c->n);
	return audit_append(d, c->actor, "curriculum.model_load", "curriculum_version",
	                    auth_id_text(c->a, vid), AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int curriculum_model_ensure(db *d, bool *loaded)
{
	const char *data;
	size_t len;
	char err[300];
	curriculum_module *mods;
	size_t n;
	principal sys;
	*loaded = false;
	int rc = curriculum_model_embedded(&data, &len);
	if (rc < 0)
		return rc;
	arena *a = arena_new();
	rc = curriculum_model_parse(a, data, len, &mods, &n, err, sizeof err);
	if (rc < 0)
		goto done;
	auth_system_principal(&sys, "system:model");
	load_ctx c = {a, &sys, mods, n, false};
	rc = audit_tx(d, load_in_tx, &c);
	*loaded = c.loaded;
done:
	arena_free(a);
	return rc;
}

/* roster.c: agency roster import from CSV, all rows or none.
 *
 * libcsv does the CSV (quotes, doubled quotes, newlines inside quotes).
 * It reports fields and records but not where they start, so the file is
 * fed to it one byte at a time while we count lines: a record's line is
 * the line of its first byte, which is what a person looking at the file
 * in an editor or spreadsheet sees. */
#include "roster.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "../base/errors.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "roles.h"

enum { MAX_FIELDS = 32, MAX_ROLES_TEXT = 512 };

enum column { COL_EMAIL, COL_NAME, COL_ROLES, COL_TITLE, COL_BADGE, COL_COUNT };

static const char *const column_names[COL_COUNT] = {"email", "name", "roles", "title", "badge"};

typedef struct parse_state {
	arena *a;
	roster_report *rep;
	/* The record being read. */
	const char *fields[MAX_FIELDS];
	size_t n_fields;
	bool too_many_fields;
	int64_t line, record_line;
	bool in_record;
	/* The header: which field holds each column (-1 = absent). */
	bool have_header;
	int col[COL_COUNT];
	size_t n_columns;
	roster_row *rows;
	size_t n_rows, cap_rows;
	bool stop;
	bool may_grant_admin;
} parse_state;

static void problem(roster_report *rep, arena *a, int64_t line, const char *field,
                    const char *message)
{
	if (rep->n_problems == ROSTER_MAX_PROBLEMS) {
		rep->more_problems++;
		return;
	}
	if (!rep->problems)
		rep->problems = arena_array(a, ROSTER_MAX_PROBLEMS, sizeof *rep->problems);
	rep->problems[rep->n_problems++] = (roster_problem){line, field, message};
}

static void on_field(void *data, size_t len, void *ctx)
{
	parse_state *st = ctx;
	if (st->stop)
		return;
	if (st->n_fields == MAX_FIELDS) {
		st->too_many_fields = true;
		return;
	}
	st->fields[st->n_fields++] = arena_strndup(st->a, data ? data : "", data ? len : 0);
}

static char *lower_trim(arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *out = arena_strdup(a, s);
	size_t n = strlen(out);
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		out[--n] = '\0';
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static void read_header(parse_state *st)
{
	int64_t line = st->record_line;
	for (size_t c = 0; c < COL_COUNT; c++)
		st->col[c] = -1;
	for (size_t i = 0; i < st->n_fields; i++) {
		const char *name = lower_trim(st->a, st->fields[i]);
		size_t c = 0;
		while (c < COL_COUNT && strcmp(column_names[c], name) != 0)
			c++;
		if (c == COL_COUNT)
			problem(st->rep, st->a, line, "header",
			        arena_printf(st->a,
			                     "has an unknown column \"%s\" (the columns are "
			                     "email, name, roles, and optionally title and badge)",
			                     name));
		else if (st->col[c] >= 0)
			problem(st->rep, st->a, line, "header",
			        arena_printf(st->a, "has the column \"%s\" twice", name));
		else
			st->col[c] = (int)i;
	}
	for (size_t c = 0; c <= COL_ROLES; c++)
		if (st->col[c] < 0)
			problem(st->rep, st->a, line, "header",
			        arena_printf(st->a, "has no \"%s\" column", column_names[c]));
	st->n_columns = st->n_fields;
	st->have_header = true;
	/* Rows cannot be read against a broken header. */
	st->stop = st->rep->n_problems > 0;
}

static const field_spec row_specs[] = {
    {"email", FIELD_EMAIL, true, 3, 254, NULL, "Email"},
    {"name", FIELD_TEXT, true, 1, 200, NULL, "Name"},
};

/* "officer; supervisor" or "officer|supervisor" → mask; problems for
 * unknown names. */
static unsigned parse_roles(parse_state *st, int64_t line, const char *text)
{
	unsigned mask = 0;
	bool bad = false;
	if (strlen(text) > MAX_ROLES_TEXT) {
		problem(st->rep, st->a, line, "roles", "is too long");
		return 0;
	}
	char *copy = arena_strdup(st->a, text);
	for (char *save = NULL, *part = strtok_r(copy, ";|,", &save); part;
	     part = strtok_r(NULL, ";|,", &save)) {
		const char *name = lower_trim(st->a, part);
		if (!*name)
			continue;
		unsigned bit = role_parse(name);
		if (!bit) {
			problem(st->rep, st->a, line, "roles",
			        validate_utf8(name, strlen(name))
			            ? arena_printf(st->a, "has an unknown role \"%s\"", name)
			            : "has a role that is not valid UTF-8 text");
			bad = true;
		}
		mask |= bit;
	}
	if (!mask && !bad)
		problem(st->rep, st->a, line, "roles", "is required");
	if ((mask & ROLE_ADMIN) && !st->may_grant_admin) {
		problem(st->rep, st->a, line, "roles",
		        "only an administrator may grant the admin role");
		bad = true;
	}
	return bad ? 0 : mask;
}

static bool is_blank_record(const parse_state *st)
{
	for (size_t i = 0; i < st->n_fields; i++)
		if (st->fields[i][strspn(st->fields[i], " \t")] != '\0')
			return false;
	return true;
}

static void read_row(parse_state *st)
{
	int64_t line = st->record_line;
	if (st->rep->rows == ROSTER_MAX_ROWS) {
		problem(st->rep, st->a, line, "file",
		        arena_printf(st->a, "has more than %d rows; split it", ROSTER_MAX_ROWS));
		st->stop = true;
		return;
	}
	st->rep->rows++;
	if (st->n_fields != st->n_columns) {
		problem(st->rep, st->a, line, "row",
		        arena_printf(st->a, "has %zu fields but the header has %zu", st->n_fields,
		                     st->n_columns));
		return;
	}
	kv in;
	kv_init(&in, st->a);
	const char *email = st->fields[st->col[COL_EMAIL]], *name = st->fields[st->col[COL_NAME]];
	kv_add(&in, "email", email, strlen(email));
	kv_add(&in, "name", name, strlen(name));
	field_value v[2];
	field_errors errs = {0};
	validate_fields(st->a, &in, row_specs, 2, v, &errs);
	for (size_t i = 0; i < errs.len; i++)
		problem(st->rep, st->a, line, errs.items[i].field, errs.items[i].message);
	unsigned roles = parse_roles(st, line, st->fields[st->col[COL_ROLES]]);
	if (errs.len || !roles)
		return;
	if (st->n_rows == st->cap_rows) {
		size_t cap = st->cap_rows ? st->cap_rows * 2 : 64;
		roster_row *rows = arena_array(st->a, cap, sizeof *rows);
		if (st->n_rows)
			memcpy(rows, st->rows, st->n_rows * sizeof *rows);
		st->rows = rows;
		st->cap_rows = cap;
	}
	st->rows[st->n_rows++] = (roster_row){line, v[0].text, v[1].text, roles};
}

static void on_record(int terminator, void *ctx)
{
	parse_state *st = ctx;
	(void)terminator;
	st->in_record = false;
	if (!st->stop) {
		if (st->too_many_fields)
			problem(st->rep, st->a, st->record_line, "row",
			        arena_printf(st->a, "has more than %d fields", MAX_FIELDS));
		else if (is_blank_record(st))
			; /* a blank line between rows */
		else if (!st->have_header)
			read_header(st);
		else
			read_row(st);
	}
	st->n_fields = 0;
	st->too_many_fields = false;
}

static int cmp_email(const void *x, const void *y)
{
	const roster_row *a = *(const roster_row *const *)x, *b = *(const roster_row *const *)y;
	int c = strcmp(a->email, b->email);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* Every repeat of an email in the file, naming the line of the first. */
static void find_duplicates(parse_state *st)
{
	if (st->n_rows < 2)
		return;
	const roster_row **sorted = arena_array(st->a, st->n_rows, sizeof *sorted);
	for (size_t i = 0; i < st->n_rows; i++)
		sorted[i] = &st->rows[i];
	qsort(sorted, st->n_rows, sizeof *sorted, cmp_email);
	size_t first = 0;
	for (size_t i = 1; i < st->n_rows; i++) {
		if (strcmp(sorted[i]->email, sorted[first]->email) != 0) {
			first = i;
			continue;
		}
		problem(st->rep, st->a, sorted[i]->line, "email",
		        arena_printf(st->a, "appears again (first on line %lld)",
		                     (long long)sorted[first]->line));
	}
}

/* By line, keeping the order of each line's own problems (a stable
 * insertion sort: there are at most ROSTER_MAX_PROBLEMS). */
static void sort_problems(roster_report *rep)
{
	for (size_t i = 1; i < rep->n_problems; i++) {
		roster_problem p = rep->problems[i];
		size_t j = i;
		for (; j > 0 && rep->problems[j - 1].line > p.line; j--)
			rep->problems[j] = rep->problems[j - 1];
		rep->problems[j] = p;
	}
}

static int parse(arena *a, const char *data, size_t len, bool may_grant_admin, roster_row **rows,
                 size_t *n, roster_report *rep)
{
	struct csv_parser p;
	parse_state st = {.a = a, .rep = rep, .line = 1, .may_grant_admin = may_grant_admin};
	*rows = NULL;
	*n = 0;
	*rep = (roster_report){0};
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		len -= 3;
	}
	if (memchr(data, '\0', len)) {
		problem(rep, a, 0, "file", "is not a CSV text file");
		return CK_E_INVALID;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return CK_E_INTERNAL;
	for (size_t i = 0; i < len && !st.stop; i++) {
		char c = data[i];
		if (!st.in_record && c != '\n' && c != '\r') {
			st.in_record = true;
			st.record_line = st.line;
		}
		if (csv_parse(&p, data + i, 1, on_field, on_record, &st) != 1) {
			problem(rep, a, st.line, "file",
			        "is not well-formed CSV here (a quote out of place?)");
			st.stop = true;
		}
		/* Lines end in \n, \r\n, or a lone \r (old Mac exports). */
		if (c == '\n' || (c == '\r' && (i + 1 == len || data[i + 1] != '\n')))
			st.line++;
	}
	if (!st.stop && csv_fini(&p, on_field, on_record, &st) != 0)
		problem(rep, a, st.record_line, "file",
		        "ends inside a quoted field (a closing quote is missing)");
	csv_free(&p);
	if (!st.have_header && rep->n_problems == 0)
		problem(rep, a, 0, "file", "is empty: it needs a header row (email,name,roles)");
	else if (rep->n_problems == 0 && st.n_rows == 0)
		problem(rep, a, 0, "file", "has a header but no rows");
	find_duplicates(&st);
	/* The well-formed rows, even beside bad ones: the importer checks
	 * them against the database too, so one report lists every bad row. */
	*rows = st.rows;
	*n = st.n_rows;
	if (rep->n_problems) {
		sort_problems(rep);
		return CK_E_INVALID;
	}
	return 0;
}

int roster_parse(arena *a, const char *data, size_t len, roster_row **rows, size_t *n,
                 roster_report *rep)
{
	return parse(a, data, len, true, rows, n, rep);
}

typedef struct import_ctx {
	arena *a;
	const principal *actor;
	int64_t org_id;
	const roster_row *rows;
	size_t n;
	roster_report *rep;
	roster_report parsed; /* the file's own problems, kept across retries */
} import_ctx;

static int import_in_tx(db *d, void *vctx)
{
	import_ctx *c = vctx;
	*c->rep = c->parsed;
	for (size_t i = 0; i < c->n; i++) {
		int64_t id = 0;
		int rc = auth_user_id_by_email(d, c->rows[i].email, &id);
		if (rc < 0)
			return rc;
		if (id)
			problem(c->rep, c->a, c->rows[i].line, "email",
			        "is already used by another user");
	}
	if (c->rep->n_problems)
		return CK_E_INVALID;
	int64_t now = auth_now();
	for (size_t i = 0; i < c->n; i++) {
		const roster_row *r = &c->rows[i];
		int64_t id;
		int rc =
		    db_query_int(d, &id,
		                 "INSERT INTO users (org_id, email, name, roles, is_active, "
		                 "created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5) "
		                 "RETURNING id",
		                 "ittii", c->org_id, r->email, r->name, (int64_t)r->roles, now);
		if (rc < 0)
			return rc;
		json_t *detail =
		    json_pack("{s:s, s:s, s:I, s:o, s:s, s:I}", "email", r->email, "name", r->name,
		              "org_id", (json_int_t)c->org_id, "roles", auth_roles_json(r->roles),
		              "via", "roster", "line", (json_int_t)r->line);
		rc = audit_append(d, c->actor, "user.create", "user", auth_id_text(c->a, id),
		                  AUDIT_SUCCESS, auth_json_text(c->a, detail));
		if (rc < 0)
			return rc;
	}
	json_t *detail =
	    json_pack("{s:I, s:I}", "org_id", (json_int_t)c->org_id, "rows", (json_int_t)c->n);
	return audit_append(d, c->actor, "roster.import", "org", auth_id_text(c->a, c->org_id),
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

static bool actor_is_admin(const principal *actor)
{
	return auth_is_system(actor) || (auth_signed_in(actor) && (actor->roles & ROLE_ADMIN));
}

int roster_import(db *d, arena *a, const principal *actor, int64_t org_id, const char *data,
                  size_t len, roster_report *rep)
{
	roster_row *rows;
	size_t n;
	*rep = (roster_report){0};
	if (!auth_allowed(actor, PERM_ROSTER_IMPORT))
		return CK_E_FORBIDDEN;
	int64_t found = 0;
	int rc = db_query_int(d, &found, "SELECT id FROM orgs WHERE id = $1", "i", org_id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return CK_E_NOT_FOUND;
	rc = parse(a, data ? data : "", data ? len : 0, actor_is_admin(actor), &rows, &n, rep);
	if (rc < 0 && rc != CK_E_INVALID)
		return rc;
	import_ctx c = {a, actor, org_id, rows, n, rep, *rep};
	rc = audit_tx(d, import_in_tx, &c);
	if (rc == CK_E_INVALID)
		sort_problems(rep);
	if (rc == 0)
		rep->imported = n;
	return rc;
}

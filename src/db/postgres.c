/* postgres.c: the PostgreSQL driver (libpq). Each statement is prepared
 * once per connection under a generated name and run with PQexecPrepared;
 * parameters travel as text (blobs as binary), results come back as text
 * and db_step walks the rows of the stored PGresult. The session runs in
 * UTC, and SQLSTATEs map onto the same CK_E_* codes the SQLite driver
 * gives, so services see one behaviour. A connection lost between
 * transactions is re-established and its statements prepared again. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/log.h"
#include "db_internal.h"

enum { BYTEA_OID = 17 };

struct pg_db {
	struct db base; /* first: a struct db * is a struct pg_db * */
	PGconn *conn;
	unsigned next_name;  /* statement names ck1, ck2 … */
	unsigned generation; /* bumped on reconnect: statements re-prepare */
	int lock_timeout_ms;
};

struct pg_stmt {
	struct db_stmt base;
	char name[16];
	unsigned generation;
	int nparams, ncols;
	char **values; /* owned copies, NULL = SQL NULL */
	int *lengths, *formats;
	PGresult *res; /* of the current execution, NULL before it */
	int row, nrows;
	unsigned char *unescaped; /* last db_col_blob of a bytea column */
};

static struct pg_db *pg(db *d)
{
	return (struct pg_db *)d;
}

static struct pg_stmt *pst(db_stmt *s)
{
	return (struct pg_stmt *)s;
}

/* Lost races (serialization failure, deadlock, lock timeout) are
 * CK_E_BUSY for db_tx to retry; unique and foreign-key violations
 * CK_E_CONFLICT; NOT NULL and CHECK CK_E_INVALID; the append-only audit
 * trigger raises insufficient_privilege, CK_E_FORBIDDEN; a lost or
 * overloaded server CK_E_DB; anything else is our bug. */
static int map_sqlstate(const char *st)
{
	static const struct {
		const char *state;
		int code;
	} exact[] = {
	    {"40001", CK_E_BUSY},     {"40P01", CK_E_BUSY},      {"55P03", CK_E_BUSY},
	    {"23505", CK_E_CONFLICT}, {"23503", CK_E_CONFLICT},  {"23502", CK_E_INVALID},
	    {"23514", CK_E_INVALID},  {"42501", CK_E_FORBIDDEN},
	};
	if (!st)
		return CK_E_DB;
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strcmp(st, exact[i].state) == 0)
			return exact[i].code;
	if (strncmp(st, "08", 2) == 0 || strncmp(st, "53", 2) == 0 || strncmp(st, "57P", 3) == 0)
		return CK_E_DB;
	return CK_E_INTERNAL;
}

/* Records the error of a failed result (or of the connection) and maps
 * it; a NULL result means libpq could not even send the command. */
static int fail(db *d, const PGresult *res, const char *what)
{
	PGconn *c = pg(d)->conn;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int n = (int)strcspn(msg, "\n");
	db_set_error(d, "postgres %s: %.*s (%s)", what, n, msg, st ? st : "no sqlstate");
	if (PQstatus(c) == CONNECTION_BAD)
		return CK_E_DB;
	return map_sqlstate(st);
}

static bool is_ok(const PGresult *res)
{
	ExecStatusType t = PQresultStatus(res);
	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

/* Server notices (e.g. "relation already exists, skipping") would go to
 * stderr as bare text; they are only of interest when debugging. */
static void on_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_DEBUG, "postgres notice: %.*s", (int)strcspn(message, "\n"), message);
}

static int setup_session(struct pg_db *d)
{
	int rc = 0;
	PGresult *res = PQexec(d->conn, "SET TIME ZONE 'UTC'");
	if (!is_ok(res))
		rc = fail(&d->base, res, "set time zone");
	PQclear(res);
	if (rc == 0 && d->lock_timeout_ms > 0) {
		char sql[64];
		snprintf(sql, sizeof sql, "SET lock_timeout = %d", d->lock_timeout_ms);
		res = PQexec(d->conn, sql);
		if (!is_ok(res))
			rc = fail(&d->base, res, "set lock_timeout");
		PQclear(res);
	}
	return rc;
}

static int pg_open(const char *url, const db_options *opt, db **out, char *err, size_t errlen)
{
	struct pg_db *d = calloc(1, sizeof *d);
	if (!d)
		return CK_E_INTERNAL;
	d->base.drv = &db_postgres_driver;
	/* Waiting on a row lock is PostgreSQL's SQLITE_BUSY: bound it only
	 * when the operator asked for a bound. */
	d->lock_timeout_ms = opt->busy_timeout_ms;
	int rc = 0;
	d->conn = PQconnectdb(url);
	if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
		const char *msg = d->conn ? PQerrorMessage(d->conn) : "out of memory";
		snprintf(err, errlen, "cannot connect to PostgreSQL: %.*s", (int)strcspn(msg, "\n"),
		         msg);
		rc = CK_E_DB;
		goto done;
	}
	PQsetNoticeProcessor(d->conn, on_notice, NULL);
	rc = setup_session(d);
	if (rc < 0)
		snprintf(err, errlen, "%s", d->base.errmsg);
done:
	if (rc < 0) {
		PQfinish(d->conn);
		free(d);
		return rc;
	}
	*out = &d->base;
	return 0;
}

static void pg_close(db *d)
{
	PQfinish(pg(d)->conn);
	free(d);
}

/* A connection that broke between transactions (server restart, network)
 * is reset, so that a long-running server heals on the next request.
 * Inside db_tx the transaction died with the connection: the error must
 * reach the runner instead. */
static void reconnect_if_lost(db *d)
{
	struct pg_db *p = pg(d);
	if (PQstatus(p->conn) != CONNECTION_BAD || d->tx_depth > 0)
		return;
	PQreset(p->conn);
	if (PQstatus(p->conn) != CONNECTION_OK)
		return;
	p->generation++;
	if (setup_session(p) == 0)
		log_info("db: reconnected to PostgreSQL");
}

static int pg_exec(db *d, const char *sql)
{
	reconnect_if_lost(d);
	PGresult *res = PQexec(pg(d)->conn, sql);
	int rc = is_ok(res) ? 0 : fail(d, res, "exec");
	PQclear(res);
	return rc;
}

static bool pg_in_tx(const db *d)
{
	PGTransactionStatusType t = PQtransactionStatus(((const struct pg_db *)d)->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* Prepares s->sql on the server under a fresh name and learns its
 * parameter count. */
static int server_prepare(db *d, struct pg_stmt *s)
{
	struct pg_db *p = pg(d);
	snprintf(s->name, sizeof s->name, "ck%u", ++p->next_name);
	PGresult *res = PQprepare(p->conn, s->name, s->base.sql, 0, NULL);
	int rc = is_ok(res) ? 0 : fail(d, res, "prepare");
	PQclear(res);
	if (rc < 0) {
		s->name[0] = '\0'; /* nothing to deallocate */
		return rc;
	}
	res = PQdescribePrepared(p->conn, s->name);
	rc = is_ok(res) ? 0 : fail(d, res, "describe");
	if (rc == 0) {
		s->nparams = PQnparams(res);
		s->ncols = PQnfields(res);
	}
	PQclear(res);
	s->generation = p->generation;
	return rc;
}

static void free_params(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams && s->values; i++)
		free(s->values[i]);
	free(s->values);
	free(s->lengths);
	free(s->formats);
	s->values = NULL;
	s->lengths = s->formats = NULL;
}

static int alloc_params(struct pg_stmt *s)
{
	size_t n = s->nparams > 0 ? (size_t)s->nparams : 1;
	s->values = calloc(n, sizeof *s->values);
	s->lengths = calloc(n, sizeof *s->lengths);
	s->formats = calloc(n, sizeof *s->formats);
	return s->values && s->lengths && s->formats ? 0 : CK_E_INTERNAL;
}

/* A statement outside the cache (a twin of one in use) is dropped on the
 * server too; cached ones go with the connection. */
static void deallocate(struct pg_stmt *s)
{
	struct pg_db *p = pg(s->base.d);
	if (s->base.is_cached || !s->name[0] || s->generation != p->generation ||
	    PQstatus(p->conn) != CONNECTION_OK)
		return;
	char sql[40];
	snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
	PQclear(PQexec(p->conn, sql));
}

static void pg_stmt_free(db_stmt *st)
{
	struct pg_stmt *s = pst(st);
	deallocate(s);
	PQclear(s->res);
	PQfreemem(s->unescaped);
	free_params(s);
	free(s);
}

static int pg_prepare(db *d, const char *sql, db_stmt **out)
{
	reconnect_if_lost(d);
	struct pg_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return CK_E_INTERNAL;
	s->base.d = d;
	s->base.sql = sql;
	int rc = server_prepare(d, s);
	if (rc == 0)
		rc = alloc_params(s);
	if (rc < 0) {
		pg_stmt_free(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}

static void pg_reset(db_stmt *st)
{
	struct pg_stmt *s = pst(st);
	PQclear(s->res);
	s->res = NULL;
	PQfreemem(s->unescaped);
	s->unescaped = NULL;
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->lengths[i] = s->formats[i] = 0;
	}
}

/* A copy of the value in the form PQexecPrepared sends: integers as
 * decimal text, text as is, blobs as raw bytes in binary format. */
static int encode_value(const struct db_value *v, char **out, int *len, int *format)
{
	char num[24];
	const void *src = NULL;
	size_t n = 0;
	*format = 0;
	switch (v->type) {
	case DB_V_INT:
		n = (size_t)snprintf(num, sizeof num, "%lld", (long long)v->i);
		src = num;
		break;
	case DB_V_TEXT:
		src = v->text;
		n = strlen(v->text);
		break;
	case DB_V_BLOB:
		src = v->blob;
		n = v->len;
		*format = 1;
		break;
	default:
		*out = NULL;
		*len = 0;
		return 0;
	}
	if (n > (size_t)0x7fffffff)
		return CK_E_TOO_LARGE;
	*out = malloc(n + 1);
	if (!*out)
		return CK_E_INTERNAL;
	if (n > 0)
		memcpy(*out, src, n);
	(*out)[n] = '\0';
	*len = (int)n;
	return 0;
}

static int pg_bind(db_stmt *st, int index, const struct db_value *v)
{
	struct pg_stmt *s = pst(st);
	if (index > s->nparams) {
		db_set_error(st->d, "no parameter $%d in: %s", index, st->sql);
		return CK_E_INTERNAL;
	}
	int i = index - 1;
	free(s->values[i]);
	s->values[i] = NULL;
	return encode_value(v, &s->values[i], &s->lengths[i], &s->formats[i]);
}

/* Rows changed, as SQLite counts them: only for INSERT/UPDATE/DELETE. */
static int64_t changed_rows(const PGresult *res)
{
	const char *status = PQcmdStatus((PGresult *)res);
	if (strncmp(status, "INSERT", 6) != 0 && strncmp(status, "UPDATE", 6) != 0 &&
	    strncmp(status, "DELETE", 6) != 0)
		return 0;
	return strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
}

static int execute(struct pg_stmt *s)
{
	db *d = s->base.d;
	if (s->generation != pg(d)->generation) {
		int rc = server_prepare(d, s);
		if (rc < 0)
			return rc;
	}
	s->res = PQexecPrepared(pg(d)->conn, s->name, s->nparams, (const char *const *)s->values,
	                        s->lengths, s->formats, 0);
	if (!is_ok(s->res))
		return fail(d, s->res, "step");
	s->nrows = PQresultStatus(s->res) == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
	s->row = -1;
	s->base.changes = changed_rows(s->res);
	return 0;
}

static int pg_step(db_stmt *st)
{
	struct pg_stmt *s = pst(st);
	if (!s->res) {
		reconnect_if_lost(st->d);
		int rc = execute(s);
		if (rc < 0)
			return rc;
	}
	if (s->row < s->nrows)
		s->row++;
	return s->row < s->nrows ? DB_ROW : DB_DONE;
}

static bool has_value(struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res) &&
	       !PQgetisnull(s->res, s->row, col);
}

/* Text to integer; PostgreSQL booleans ('t'/'f') read as 1/0 like
 * SQLite's, so a comparison in a select list means the same on both. */
static int64_t pg_col_int(db_stmt *st, int col)
{
	struct pg_stmt *s = pst(st);
	if (!has_value(s, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(db_stmt *st, int col)
{
	struct pg_stmt *s = pst(st);
	return has_value(s, col) ? PQgetvalue(s->res, s->row, col) : NULL;
}

static const void *pg_col_blob(db_stmt *st, int col, size_t *len)
{
	struct pg_stmt *s = pst(st);
	*len = 0;
	if (!has_value(s, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) != BYTEA_OID) {
		*len = (size_t)PQgetlength(s->res, s->row, col);
		return v;
	}
	PQfreemem(s->unescaped);
	s->unescaped = PQunescapeBytea((const unsigned char *)v, len);
	return s->unescaped;
}

static bool pg_col_is_null(db_stmt *st, int col)
{
	return !has_value(pst(st), col);
}

static int pg_col_count(db_stmt *st)
{
	return pst(st)->ncols;
}

const struct db_driver db_postgres_driver = {
    .name = "postgres",
    .dialect = DB_POSTGRES,
    .begin_sql = "BEGIN ISOLATION LEVEL SERIALIZABLE", /* why: see tx.c */
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .in_tx = pg_in_tx,
    .prepare = pg_prepare,
    .stmt_free = pg_stmt_free,
    .reset = pg_reset,
    .bind = pg_bind,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_is_null = pg_col_is_null,
    .col_count = pg_col_count,
};

/* test_audit.c: the hash-chained audit log on SQLite and PostgreSQL:
 * appends verify; an altered, deleted or moved row is found and named;
 * with a server secret, cut-off and foreign rows are found too; a rolled
 * back transaction leaves no row; listing filters and pages. Tampering
 * drops the append-only triggers first, as someone with the file would. */
#include "auth_fixture.h"

#include <pthread.h>

static void append_n(authfx *f, const principal *who, const char *action, int n)
{
	for (int i = 0; i < n; i++) {
		char detail[64];
		snprintf(detail, sizeof detail, "{\"n\":%d}", i);
		assert_int_equal(
		    audit_append(f->d, who, action, "thing", "7", AUDIT_SUCCESS, detail), 0);
		fx_advance(1);
	}
}

static void drop_triggers(authfx *f)
{
	if (f->is_pg)
		fx_exec(f, "DROP TRIGGER audit_log_no_update ON audit_log;"
		           "DROP TRIGGER audit_log_no_delete ON audit_log");
	else
		fx_exec(f, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");
}

static audit_report verify(authfx *f)
{
	audit_report r;
	assert_int_equal(audit_verify(f->d, f->a, &r), 0);
	return r;
}

static void intact_chain_verifies(void **state)
{
	authfx *f = *state;
	audit_report r = verify(f);
	assert_true(r.ok);
	assert_int_equal(r.rows, 0);
	append_n(f, &f->sys, "test.one", 5);
	r = verify(f);
	assert_true(r.ok);
	assert_int_equal(r.rows, 5);
	assert_null(r.problem);
	assert_false(r.anchor_checked);
	/* The first row links to the genesis value, each next to the one before. */
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log a JOIN audit_log b "
	                             "ON b.id = a.id + 1 WHERE b.prev_hash = a.hash"),
	                 4);
}

static void triggers_refuse_changes(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 2);
	assert_true(db_exec(f->d, "UPDATE audit_log SET outcome = 'failure'") < 0);
	assert_true(db_exec(f->d, "DELETE FROM audit_log") < 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE outcome = 'success'"),
	                 2);
}

static void altered_row_is_named(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 5);
	drop_triggers(f);
	fx_exec(f, "UPDATE audit_log SET detail = '{\"n\":99}' WHERE id = 3");
	audit_report r = verify(f);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 3);
	assert_non_null(strstr(r.problem, "altered"));
}

static void altered_time_is_named(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 3);
	drop_triggers(f);
	fx_exec(f, "UPDATE audit_log SET at_cs = at_cs + 1 WHERE id = 2");
	audit_report r = verify(f);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 2);
}

static void deleted_row_is_named(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 5);
	drop_triggers(f);
	fx_exec(f, "DELETE FROM audit_log WHERE id = 3");
	audit_report r = verify(f);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 4);
	assert_non_null(strstr(r.problem, "deleted"));
}

static void reordered_pair_is_named(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 5);
	drop_triggers(f);
	fx_exec(f, "UPDATE audit_log SET id = 100 WHERE id = 2;"
	           "UPDATE audit_log SET id = 2 WHERE id = 3;"
	           "UPDATE audit_log SET id = 3 WHERE id = 100");
	audit_report r = verify(f);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 2);
}

static void rehashed_row_is_caught_at_the_next(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 4);
	drop_triggers(f);
	/* The attacker fixes up row 2's own hash but not row 3's link. */
	fx_exec(f, "UPDATE audit_log SET hash = 'x' || substr(hash, 2) WHERE id = 2");
	audit_report r = verify(f);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 2);
}

static void set_secret(bool on)
{
	auth_policy p = *auth_policy_get();
	p.has_secret = on;
	memset(p.secret, 0x5a, sizeof p.secret);
	auth_policy_set(&p);
}

static void truncation_needs_the_anchor(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 5);
	drop_triggers(f);
	fx_exec(f, "DELETE FROM audit_log WHERE id = 5");
	/* Without a secret, cutting off the newest rows cannot be seen. */
	audit_report r = verify(f);
	assert_true(r.ok);
	assert_false(r.anchor_checked);
}

static void anchor_catches_truncation(void **state)
{
	authfx *f = *state;
	set_secret(true);
	append_n(f, &f->sys, "test.one", 5);
	audit_report r = verify(f);
	assert_true(r.ok);
	assert_true(r.anchor_checked);
	drop_triggers(f);
	fx_exec(f, "DELETE FROM audit_log WHERE id >= 4");
	r = verify(f);
	assert_false(r.ok);
	assert_non_null(strstr(r.problem, "removed"));
}

static void anchor_catches_foreign_rows(void **state)
{
	authfx *f = *state;
	set_secret(true);
	append_n(f, &f->sys, "test.one", 3);
	/* Rows chained correctly by something that lacks the secret. */
	set_secret(false);
	append_n(f, &f->sys, "test.forged", 1);
	set_secret(true);
	audit_report r = verify(f);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_id, 4);
}

static void anchor_catches_a_forged_anchor(void **state)
{
	authfx *f = *state;
	set_secret(true);
	append_n(f, &f->sys, "test.one", 2);
	fx_exec(f, "UPDATE settings SET value = '2 abc def' WHERE name = 'audit.anchor'");
	audit_report r = verify(f);
	assert_false(r.ok);
	assert_non_null(strstr(r.problem, "forged"));
}

static int append_then_fail(db *d, void *ctx)
{
	(void)ctx;
	int rc = audit_append(d, NULL, "test.rolled_back", NULL, NULL, AUDIT_SUCCESS, NULL);
	return rc < 0 ? rc : CK_E_CONFLICT;
}

static void rolled_back_append_leaves_nothing(void **state)
{
	authfx *f = *state;
	append_n(f, &f->sys, "test.one", 1);
	assert_int_equal(db_tx(f->d, append_then_fail, NULL), CK_E_CONFLICT);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), 1);
	append_n(f, &f->sys, "test.one", 1);
	assert_true(verify(f).ok);
}

static void two_connections_keep_one_chain(void **state)
{
	authfx *f = *state;
	db *other = NULL;
	char err[256];
	assert_int_equal(db_open(f->url, NULL, &other, err, sizeof err), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(audit_append(i % 2 ? other : f->d, NULL, "test.both", NULL, NULL,
		                              AUDIT_SUCCESS, NULL),
		                 0);
	db_close(other);
	audit_report r = verify(f);
	assert_true(r.ok);
	assert_int_equal(r.rows, 6);
}

typedef struct writer {
	const char *url;
	int n, failures, last_rc;
	char last_error[200];
	pthread_t thread;
} writer;

static int write_then_append(db *d, void *ctx)
{
	writer *w = ctx;
	/* A change first, then its audit row, as in every service. */
	int rc = db_run(d,
	                "INSERT INTO settings (name, value) VALUES ($1, 'x') "
	                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	                "t", w->url);
	if (rc < 0)
		return rc;
	return audit_append(d, NULL, "test.concurrent", NULL, NULL, AUDIT_SUCCESS, NULL);
}

static void *write_many(void *arg)
{
	writer *w = arg;
	db *d = NULL;
	char err[256];
	db_options opt = {.busy_timeout_ms = 10000};
	if (db_open(w->url, &opt, &d, err, sizeof err) < 0) {
		w->failures = w->n;
		return NULL;
	}
	for (int i = 0; i < w->n; i++) {
		int rc = audit_tx(d, write_then_append, w);
		if (rc < 0) {
			w->failures++;
			w->last_rc = rc;
			snprintf(w->last_error, sizeof w->last_error, "%s", db_errmsg(d));
		}
	}
	db_close(d);
	return NULL;
}

static void concurrent_writers_keep_one_chain(void **state)
{
	authfx *f = *state;
	writer w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (writer){.url = f->url, .n = 25};
		assert_int_equal(pthread_create(&w[i].thread, NULL, write_many, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].failures)
			fail_msg("writer %d: %d failed, last %d: %s", i, w[i].failures,
			         w[i].last_rc, w[i].last_error);
	}
	audit_report r = verify(f);
	assert_true(r.ok);
	assert_int_equal(r.rows, 100);
}

static void records_who_when_where(void **state)
{
	authfx *f = *state;
	principal who = {
	    .user_id = 42, .email = "sam@pd.example", .ip = "198.51.100.4", .roles = ROLE_ADMIN};
	assert_int_equal(
	    audit_append(f->d, &who, "login.ok", "user", "42", AUDIT_SUCCESS, "{\"a\":1}"), 0);
	audit_entry *items;
	size_t n;
	const char *next;
	assert_int_equal(audit_list(f->d, f->a, &f->sys, NULL, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_null(next);
	assert_int_equal(items[0].actor_id, 42);
	assert_string_equal(items[0].actor_email, "sam@pd.example");
	assert_string_equal(items[0].ip, "198.51.100.4");
	assert_string_equal(items[0].outcome, "success");
	assert_string_equal(items[0].object_id, "42");
	assert_int_equal(items[0].at_cs, 170000000000);
}

static void list_filters_and_pages(void **state)
{
	authfx *f = *state;
	principal a = {.user_id = 1, .email = "a@x.example"};
	principal b = {.user_id = 2, .email = "b@x.example"};
	append_n(f, &a, "login.ok", 3);    /* t0 .. t0+2 */
	append_n(f, &b, "login.fail", 2);  /* t0+3, t0+4 */
	append_n(f, &a, "user.update", 2); /* t0+5, t0+6 */
	audit_entry *items;
	size_t n;
	const char *next;
	audit_filter by_a = {.user_id = 1};
	assert_int_equal(audit_list(f->d, f->a, &f->sys, &by_a, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 5);
	assert_true(items[0].id > items[1].id); /* newest first */
	audit_filter logins = {.action = "login."};
	assert_int_equal(audit_list(f->d, f->a, &f->sys, &logins, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 5);
	audit_filter exact = {.action = "login.fail"};
	assert_int_equal(audit_list(f->d, f->a, &f->sys, &exact, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 2);
	int64_t t0 = 1700000000;
	audit_filter window = {.from = t0 + 2, .to = t0 + 4};
	assert_int_equal(audit_list(f->d, f->a, &f->sys, &window, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 3);
	/* Pages of 3: 3, 3, 1, and the cursors join up. */
	size_t total = 0;
	const char *cursor = NULL;
	int pages = 0;
	do {
		assert_int_equal(
		    audit_list(f->d, f->a, &f->sys, NULL, 3, cursor, &items, &n, &next), 0);
		total += n;
		pages++;
		cursor = next;
	} while (cursor);
	assert_int_equal(total, 7);
	assert_int_equal(pages, 3);
	assert_int_equal(audit_list(f->d, f->a, &f->sys, NULL, 3, "x1", &items, &n, &next),
	                 CK_E_MALFORMED);
}

static void list_needs_audit_permission(void **state)
{
	authfx *f = *state;
	principal coordinator = {.user_id = 5, .org_id = 1, .roles = ROLE_COORDINATOR};
	principal nobody = {0};
	principal half_signed_in = {
	    .user_id = 6, .org_id = 1, .roles = ROLE_ADMIN, .mfa_pending = true};
	audit_entry *items;
	size_t n;
	const char *next;
	assert_int_equal(audit_list(f->d, f->a, &coordinator, NULL, 0, NULL, &items, &n, &next),
	                 CK_E_FORBIDDEN);
	assert_int_equal(audit_list(f->d, f->a, &nobody, NULL, 0, NULL, &items, &n, &next),
	                 CK_E_FORBIDDEN);
	assert_int_equal(audit_list(f->d, f->a, &half_signed_in, NULL, 0, NULL, &items, &n, &next),
	                 CK_E_FORBIDDEN);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)
#define ALL_CASES                                                                                  \
	CASE(intact_chain_verifies), CASE(triggers_refuse_changes), CASE(altered_row_is_named),    \
	    CASE(altered_time_is_named), CASE(deleted_row_is_named),                               \
	    CASE(reordered_pair_is_named), CASE(rehashed_row_is_caught_at_the_next),               \
	    CASE(truncation_needs_the_anchor), CASE(anchor_catches_truncation),                    \
	    CASE(anchor_catches_foreign_rows), CASE(anchor_catches_a_forged_anchor),               \
	    CASE(rolled_back_append_leaves_nothing), CASE(two_connections_keep_one_chain),         \
	    CASE(concurrent_writers_keep_one_chain), CASE(records_who_when_where),                 \
	    CASE(list_filters_and_pages), CASE(list_needs_audit_permission)

int main(void)
{
	const struct CMUnitTest cases[] = {ALL_CASES};
	int failed = cmocka_run_group_tests_name("audit on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("audit on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}

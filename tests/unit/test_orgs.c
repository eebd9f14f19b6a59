/* test_orgs.c: partner organizations: create and update with field
 * errors, permissions, find by id or name, listing pages, audit rows. */
#include "auth_fixture.h"

static void create_and_read(void **state)
{
	authfx *f = *state;
	int64_t id = fx_org(f, "Pine Belt Police Department", "law_enforcement");
	org o;
	assert_int_equal(org_get(f->d, f->a, &f->sys, id, &o), 0);
	assert_string_equal(o.name, "Pine Belt Police Department");
	assert_string_equal(o.kind, "law_enforcement");
	assert_string_equal(org_kind_label(o.kind), "Law enforcement");
	assert_int_equal(o.created_at, 1700000000);
	assert_int_equal(o.user_count, 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'org.create'"),
	                 1);
	assert_int_equal(org_get(f->d, f->a, &f->sys, id + 1, &o), CK_E_NOT_FOUND);
}

static void bad_input_writes_nothing(void **state)
{
	authfx *f = *state;
	field_errors errs = {0};
	int64_t id = 0;
	assert_int_equal(org_create(f->d, f->a, &f->sys,
	                            fx_kv(f, "name", "  ", "kind", "zoo", NULL), &id, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 2);
	assert_string_equal(errs.items[0].field, "name");
	assert_string_equal(errs.items[1].field, "kind");
	fx_org(f, "Crisis Center", "mental_health");
	errs.len = 0;
	assert_int_equal(org_create(f->d, f->a, &f->sys,
	                            fx_kv(f, "name", "Crisis Center", "kind", "other", NULL), &id,
	                            &errs),
	                 CK_E_CONFLICT);
	assert_string_equal(errs.items[0].field, "name");
	assert_non_null(strstr(errs.items[0].message, "already used"));
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM orgs"), 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), 1);
}

static void only_managers_write(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	principal officer = {.user_id = 9, .org_id = pd, .roles = ROLE_OFFICER | ROLE_SUPERVISOR};
	principal coordinator = {.user_id = 10, .org_id = pd, .roles = ROLE_COORDINATOR};
	principal pending = {.user_id = 11, .org_id = pd, .roles = ROLE_ADMIN, .mfa_pending = true};
	principal nobody = {0};
	field_errors errs = {0};
	int64_t id;
	kv *in = fx_kv(f, "name", "Hospital", "kind", "hospital", NULL);
	assert_int_equal(org_create(f->d, f->a, &officer, in, &id, &errs), CK_E_FORBIDDEN);
	assert_int_equal(org_create(f->d, f->a, &pending, in, &id, &errs), CK_E_FORBIDDEN);
	assert_int_equal(org_create(f->d, f->a, &nobody, in, &id, &errs), CK_E_FORBIDDEN);
	assert_int_equal(org_create(f->d, f->a, &coordinator, in, &id, &errs), 0);
	org *items;
	size_t n;
	const char *next;
	assert_int_equal(org_list(f->d, f->a, &officer, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 2);
	assert_int_equal(org_list(f->d, f->a, &nobody, 0, NULL, &items, &n, &next), CK_E_FORBIDDEN);
}

static void update_changes_only_what_is_sent(void **state)
{
	authfx *f = *state;
	int64_t id = fx_org(f, "NAMI Pine Belt", "other");
	fx_advance(60);
	field_errors errs = {0};
	assert_int_equal(
	    org_update(f->d, f->a, &f->sys, id, fx_kv(f, "kind", "advocacy", NULL), &errs), 0);
	org o;
	assert_int_equal(org_get(f->d, f->a, &f->sys, id, &o), 0);
	assert_string_equal(o.name, "NAMI Pine Belt");
	assert_string_equal(o.kind, "advocacy");
	assert_int_equal(o.updated_at, 1700000060);
	/* A name sent blank is an error, not "unchanged". */
	assert_int_equal(org_update(f->d, f->a, &f->sys, id, fx_kv(f, "name", "", NULL), &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "name");
	assert_int_equal(
	    org_update(f->d, f->a, &f->sys, id + 5, fx_kv(f, "kind", "other", NULL), &errs),
	    CK_E_NOT_FOUND);
	audit_entry *items;
	size_t n;
	const char *next;
	audit_filter upd = {.action = "org.update"};
	assert_int_equal(audit_list(f->d, f->a, &f->sys, &upd, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(items[0].detail, "\"before\":{\"kind\":\"other\""));
	assert_non_null(strstr(items[0].detail, "\"after\":{\"kind\":\"advocacy\""));
}

static void find_by_id_or_name(void **state)
{
	authfx *f = *state;
	int64_t a = fx_org(f, "Sheriff's Office", "law_enforcement");
	int64_t b = fx_org(f, "911", "dispatch"); /* a name that looks like an id */
	org o;
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%lld", (long long)a);
	assert_int_equal(org_find(f->d, f->a, id_text, &o), 0);
	assert_int_equal(o.id, a);
	assert_int_equal(org_find(f->d, f->a, "Sheriff's Office", &o), 0);
	assert_int_equal(o.id, a);
	assert_int_equal(org_find(f->d, f->a, "911", &o), 0);
	assert_int_equal(o.id, b);
	assert_int_equal(org_find(f->d, f->a, "Nowhere", &o), CK_E_NOT_FOUND);
	assert_int_equal(org_find(f->d, f->a, "", &o), CK_E_NOT_FOUND);
}

static void list_pages_by_name(void **state)
{
	authfx *f = *state;
	const char *names[] = {"Delta", "Alpha", "Echo", "Bravo", "Charlie"};
	for (size_t i = 0; i < 5; i++)
		fx_org(f, names[i], "other");
	org *items;
	size_t n;
	const char *next;
	assert_int_equal(org_list(f->d, f->a, &f->sys, 2, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].name, "Alpha");
	assert_string_equal(items[1].name, "Bravo");
	assert_non_null(next);
	assert_int_equal(org_list(f->d, f->a, &f->sys, 2, next, &items, &n, &next), 0);
	assert_string_equal(items[0].name, "Charlie");
	assert_string_equal(items[1].name, "Delta");
	assert_int_equal(org_list(f->d, f->a, &f->sys, 2, next, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].name, "Echo");
	assert_null(next);
	assert_int_equal(org_list(f->d, f->a, &f->sys, 2, "-3", &items, &n, &next), CK_E_MALFORMED);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(create_and_read),     CASE(bad_input_writes_nothing),
	    CASE(only_managers_write), CASE(update_changes_only_what_is_sent),
	    CASE(find_by_id_or_name),  CASE(list_pages_by_name),
	};
	int failed = cmocka_run_group_tests_name("orgs on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("orgs on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}

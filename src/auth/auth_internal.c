/* auth_internal.c: helpers shared by the auth services (see the header). */
#include "auth_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/errors.h"
#include "audit.h"
#include "auth.h"
#include "roles.h"

int auth_limit(int limit)
{
	if (limit <= 0)
		return AUTH_LIST_DEFAULT;
	return limit > AUTH_LIST_MAX ? AUTH_LIST_MAX : limit;
}

int auth_cursor_parse(const char *cursor, int64_t *id)
{
	*id = 0;
	if (!cursor || !*cursor)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(cursor, &end, 10);
	if (errno || *end || v <= 0 || cursor[0] == '+' || cursor[0] == ' ')
		return CK_E_MALFORMED;
	*id = v;
	return 0;
}

void auth_bind_batch(db_stmt *s, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < AUTH_BATCH; i++)
		db_bind_int(s, (int)i + 1, i < n ? ids[i] : 0);
}

int auth_check_batches(db *d, principal_check *items, size_t n, auth_check_kind kind,
                       auth_batch_fn check)
{
	principal_check *chunk[AUTH_BATCH];
	int64_t ids[AUTH_BATCH];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		principal_check *c = &items[i];
		int64_t id = kind == AUTH_CHECK_SESSIONS ? c->session_id
		             : c->session_id > 0         ? 0
		                                         : c->token_id;
		if (id <= 0)
			continue;
		c->is_valid = false;
		ids[k] = id;
		chunk[k++] = c;
		if (k == AUTH_BATCH) {
			int rc = check(d, chunk, ids, k);
			if (rc < 0)
				return rc;
			k = 0;
		}
	}
	return k ? check(d, chunk, ids, k) : 0;
}

void auth_check_row(db_stmt *s, principal_check **chunk, const int64_t *ids, size_t k)
{
	int64_t id = db_col_int(s, 0);
	for (size_t i = 0; i < k; i++) {
		if (ids[i] != id)
			continue;
		chunk[i]->is_valid = true;
		chunk[i]->user_id = db_col_int(s, 1);
		chunk[i]->org_id = db_col_int(s, 2);
		chunk[i]->roles = (unsigned)db_col_int(s, 3);
	}
}

const char *auth_cursor_make(arena *a, int64_t id)
{
	return arena_printf(a, "%lld", (long long)id);
}

bool auth_signed_in(const principal *actor)
{
	return actor && actor->user_id > 0 && !actor->mfa_pending;
}

bool auth_allowed(const principal *actor, perm p)
{
	if (auth_is_system(actor))
		return true;
	return auth_signed_in(actor) && perm_granted(actor->roles, p);
}

bool auth_sees_org(const principal *actor, int64_t org_id)
{
	if (!actor)
		return false;
	if (auth_is_system(actor) || roles_see_all_orgs(actor->roles))
		return true;
	return auth_signed_in(actor) && actor->org_id == org_id;
}

const char *auth_json_text(arena *a, json_t *obj)
{
	if (!obj)
		return NULL;
	char *s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	if (!s)
		return NULL;
	const char *out = arena_strdup(a, s);
	free(s);
	return out;
}

json_t *auth_roles_json(unsigned roles)
{
	json_t *arr = json_array();
	for (unsigned bit = 1; bit <= ROLE_ALL; bit <<= 1)
		if (roles & bit)
			json_array_append_new(arr, json_string(role_name((role)bit)));
	return arr;
}

int auth_validate_update(arena *a, const kv *in, const field_spec *specs, size_t n,
                         field_value *values, field_errors *errs)
{
	field_spec optional[16];
	if (n > 16)
		return CK_E_INTERNAL;
	memcpy(optional, specs, n * sizeof *specs);
	for (size_t i = 0; i < n; i++)
		optional[i].required = false;
	size_t before = errs->len;
	validate_fields(a, in, optional, n, values, errs);
	for (size_t i = 0; i < n; i++) {
		const char *raw = kv_get(in, specs[i].name);
		if (!specs[i].required || !raw || values[i].present)
			continue;
		if (specs[i].type == FIELD_BOOL)
			continue;
		if (raw[strspn(raw, " \t\r\n,")] == '\0')
			field_errors_add(errs, specs[i].name, "is required");
	}
	return errs->len > before ? CK_E_INVALID : 0;
}

int auth_in_tx(db *d, db_tx_fn fn, void *ctx)
{
	return db_in_tx(d) ? fn(d, ctx) : audit_tx(d, fn, ctx);
}

const char *auth_id_text(arena *a, int64_t id)
{
	return arena_printf(a, "%lld", (long long)id);
}

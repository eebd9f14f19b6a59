/* demo.c: the demo program's data, in tables meant to be read and
 * extended, and the steps that load them through the services (so the
 * demo obeys every rule real data does and is audited like it).
 *
 * Everyone here is fictional. Passwords are one memorable passphrase per
 * role, so `make run` can print them; they pass the password rules and
 * contain no one's name. Never use them on a real deployment. */
#include "demo_internal.h"

#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "../auth/orgs.h"
#include "../auth/settings.h"
#include "../auth/users.h"
#include "../base/errors.h"
#include "../base/kv.h"

/* clang-format off */
/* The partners of the regional program. */
static const struct demo_org {
	const char *name, *kind;
} orgs[] = {
	{"Hattiesburg Police Department", "law_enforcement"},
	{"Forrest County Sheriff's Office", "law_enforcement"},
	{"Pine Belt Mental Healthcare Resources", "mental_health"},
	{"Forrest General Hospital", "hospital"},
	{"NAMI Pine Belt", "advocacy"},
	{"Forrest County E-911", "dispatch"},
};

/* One passphrase per role; a person with several roles uses the first. */
static const struct demo_password {
	const char *role, *password;
} passwords[] = {
	{"admin", "steady lighthouse keeper"},
	{"coordinator", "compass and open doors"},
	{"instructor", "chalkboard full of kindness"},
	{"officer", "slow down and listen"},
	{"supervisor", "watchful eyes steady hands"},
	{"clinician", "calm words open minds"},
	{"presenter", "my story builds bridges"},
	{"dispatcher", "every call matters here"},
	{"analyst", "numbers tell the story"},
};

/* The people: at least one per role, in the partner where such a person
 * works; roles as the users service takes them (comma-separated). */
static const struct demo_user {
	const char *email, *name, *org, *roles;
} users[] = {
	{"admin@pinebeltcit.example", "Renee Castillo", "Hattiesburg Police Department", "admin"},
	{DEMO_COORDINATOR, "Sgt. Marcus Bell", "Hattiesburg Police Department", "coordinator"},
	{"instructor@pinebeltcit.example", "Dr. Alicia Moore", "Pine Belt Mental Healthcare Resources", "instructor"},
	{"officer@pinebeltcit.example", "Officer Tyler Nguyen", "Hattiesburg Police Department", "officer"},
	{"supervisor@pinebeltcit.example", "Lt. Karen Holloway", "Forrest County Sheriff's Office", "supervisor"},
	{"clinician@pinebeltcit.example", "Jordan Pierce, LPC", "Pine Belt Mental Healthcare Resources", "clinician"},
	{"presenter@pinebeltcit.example", "Gloria Evans", "NAMI Pine Belt", "presenter"},
	{"dispatcher@pinebeltcit.example", "Shawn Reed", "Forrest County E-911", "dispatcher"},
	{"analyst@pinebeltcit.example", "Priya Raman", "Pine Belt Mental Healthcare Resources", "analyst"},
	{"ed.clinician@pinebeltcit.example", "Dr. Samuel Ortiz", "Forrest General Hospital", "clinician"},
	{"b.carter@pinebeltcit.example", "Officer Brianna Carter", "Hattiesburg Police Department", "officer"},
	{"d.wallace@pinebeltcit.example", "Officer Devon Wallace", "Hattiesburg Police Department", "officer"},
	{"l.romero@pinebeltcit.example", "Deputy Luis Romero", "Forrest County Sheriff's Office", "officer"},
	{"a.tran@pinebeltcit.example", "Deputy Ashley Tran", "Forrest County Sheriff's Office", "officer,instructor"},
	{"j.price@pinebeltcit.example", "Officer Jamal Price", "Hattiesburg Police Department", "officer"},
	{"m.delgado@pinebeltcit.example", "Officer Maria Delgado", "Hattiesburg Police Department", "officer"},
	{"h.cole@pinebeltcit.example", "Deputy Hannah Cole", "Forrest County Sheriff's Office", "officer"},
};

/* clang-format on */

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* The passphrase of a role list's first role. */
static const char *password_for(const char *roles)
{
	size_t n = strcspn(roles, ",");
	for (size_t i = 0; i < COUNT(passwords); i++)
		if (strlen(passwords[i].role) == n && !strncmp(passwords[i].role, roles, n))
			return passwords[i].password;
	return NULL;
}

void demo_add(kv *in, const char *name, const char *value)
{
	kv_add(in, name, value, strlen(value));
}

/* The field errors of a refused item, on one line. */
void demo_explain(demo_run *r, const char *item, int rc, const field_errors *errs)
{
	size_t used = (size_t)snprintf(r->err, r->errlen, "%s: %s", item, ck_error_title(rc));
	for (size_t i = 0; errs && i < errs->len && used < r->errlen; i++)
		used += (size_t)snprintf(r->err + used, r->errlen - used, "%s %s %s", i ? ";" : ":",
		                         errs->items[i].field, errs->items[i].message);
}

static int load_orgs(demo_run *r)
{
	for (size_t i = 0; i < COUNT(orgs); i++) {
		org existing;
		int rc = org_find(r->d, r->a, orgs[i].name, &existing);
		if (rc == 0) {
			r->result->existing++;
			continue;
		}
		if (rc != CK_E_NOT_FOUND) {
			snprintf(r->err, r->errlen, "%s: %s", orgs[i].name, ck_error_title(rc));
			return rc;
		}
		kv in;
		kv_init(&in, r->a);
		demo_add(&in, "name", orgs[i].name);
		demo_add(&in, "kind", orgs[i].kind);
		int64_t id;
		field_errors errs = {0};
		rc = org_create(r->d, r->a, r->actor, &in, &id, &errs);
		if (rc) {
			demo_explain(r, orgs[i].name, rc, &errs);
			return rc;
		}
		r->result->created++;
	}
	return 0;
}

int demo_as_user(demo_run *r, const char *email, principal *out)
{
	user u;
	int rc = user_get_by_email(r->d, r->a, r->actor, email, &u);
	if (rc) {
		snprintf(r->err, r->errlen, "%s: %s", email, ck_error_title(rc));
		return rc;
	}
	*out = (principal){.user_id = u.id,
	                   .org_id = u.org_id,
	                   .roles = u.roles,
	                   .email = u.email,
	                   .name = u.name,
	                   .authenticated_at = auth_now()};
	return 0;
}

static int load_users(demo_run *r)
{
	for (size_t i = 0; i < COUNT(users); i++) {
		const struct demo_user *u = &users[i];
		user existing;
		int rc = user_get_by_email(r->d, r->a, r->actor, u->email, &existing);
		if (rc == 0) {
			r->result->existing++;
			continue;
		}
		org o;
		if (rc == CK_E_NOT_FOUND)
			rc = org_find(r->d, r->a, u->org, &o);
		if (rc) {
			snprintf(r->err, r->errlen, "%s: %s", u->email, ck_error_title(rc));
			return rc;
		}
		kv in;
		kv_init(&in, r->a);
		demo_add(&in, "email", u->email);
		demo_add(&in, "name", u->name);
		demo_add(&in, "org_id", arena_printf(r->a, "%lld", (long long)o.id));
		demo_add(&in, "roles", u->roles);
		demo_add(&in, "password", password_for(u->roles));
		int64_t id;
		field_errors errs = {0};
		rc = user_create(r->d, r->a, r->actor, &in, &id, &errs);
		if (rc) {
			demo_explain(r, u->email, rc, &errs);
			return rc;
		}
		r->result->created++;
	}
	return 0;
}

/* The program's name, for pages and certificates; a name already set
 * (by an admin) is kept. */
static int load_settings(demo_run *r)
{
	int rc = settings_set_default(r->d, SETTING_PROGRAM_NAME, DEMO_PROGRAM_NAME);
	if (rc < 0) {
		snprintf(r->err, r->errlen, "program name: %s", ck_error_title(rc));
		return rc;
	}
	r->result->created += rc;
	r->result->existing += rc == 0;
	return 0;
}

/* The steps, in order: each adds what is missing of its part. */
static const struct demo_step {
	const char *name;
	int (*load)(demo_run *r);
} steps[] = {
    {"program", load_settings},
    {"partners", load_orgs},
    {"users", load_users},
    {"national model", demo_load_model},
    {"curriculum", demo_load_curriculum},
    {"scenario library", demo_load_library}, /* before the courses: their runs play it */
    {"courses", demo_load_courses},
};

int demo_load(db *d, arena *a, const principal *actor, demo_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char problem[512] = "";
	demo_run r = {d, a, actor, out, problem, sizeof problem};
	for (size_t i = 0; i < COUNT(steps); i++) {
		int rc = steps[i].load(&r);
		if (rc) {
			snprintf(err, errlen, "%s: %s", steps[i].name, problem);
			return rc;
		}
	}
	return 0;
}

size_t demo_login_count(void)
{
	return COUNT(users);
}

demo_login demo_login_at(size_t i)
{
	return (demo_login){users[i].email, users[i].roles, password_for(users[i].roles)};
}

void demo_print_logins(FILE *out)
{
	fprintf(out, "%-34s %-20s %s\n", "email", "role", "password");
	for (size_t i = 0; i < COUNT(users); i++)
		fprintf(out, "%-34s %-20s %s\n", users[i].email, users[i].roles,
		        password_for(users[i].roles));
}

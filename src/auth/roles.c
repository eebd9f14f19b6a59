/* roles.c: the nine roles and the one permission table. To see who may do
 * what, read grants[] below; every route names one of its permissions. */
#include "roles.h"

#include <stddef.h>
#include <string.h>

static const struct {
	role bit;
	const char *name, *label;
} roles[ROLE_COUNT] = {
	{ROLE_ADMIN, "admin", "Administrator"},
	{ROLE_COORDINATOR, "coordinator", "Program coordinator"},
	{ROLE_INSTRUCTOR, "instructor", "Instructor"},
	{ROLE_OFFICER, "officer", "Officer"},
	{ROLE_SUPERVISOR, "supervisor", "Supervisor"},
	{ROLE_CLINICIAN, "clinician", "Clinician"},
	{ROLE_PRESENTER, "presenter", "Lived-experience presenter"},
	{ROLE_DISPATCHER, "dispatcher", "Dispatcher"},
	{ROLE_ANALYST, "analyst", "Analyst"},
};

static const char *const names[ROLE_COUNT + 1] = {
	"admin", "coordinator", "instructor", "officer", "supervisor",
	"clinician", "presenter", "dispatcher", "analyst", NULL,
};

enum {
	ANY = ROLE_ALL,
	MANAGERS = ROLE_ADMIN | ROLE_COORDINATOR,
};

/* Which roles grant each permission. PERM_USERS_READ for a supervisor is
 * scoped to their own organization by the users service. */
static const struct {
	const char *name;
	unsigned roles;
} grants[PERM_COUNT] = {
	[PERM_UNSET] = {"unset", 0},
	[PERM_PUBLIC] = {"public", ANY},
	[PERM_SIGNED_IN] = {"signed-in", ANY},
	[PERM_ORGS_READ] = {"orgs.read", ANY},
	[PERM_ORGS_WRITE] = {"orgs.write", MANAGERS},
	[PERM_USERS_READ] = {"users.read", MANAGERS | ROLE_SUPERVISOR},
	[PERM_USERS_WRITE] = {"users.write", MANAGERS},
	[PERM_USERS_UNLOCK] = {"users.unlock", ROLE_ADMIN},
	[PERM_ROSTER_IMPORT] = {"roster.import", MANAGERS},
	[PERM_AUDIT_READ] = {"audit.read", ROLE_ADMIN},
	[PERM_TOKENS_CREATE] = {"tokens.create", ANY},
	[PERM_METRICS] = {"metrics", ANY},
	[PERM_CURRICULA_READ] = {"curricula.read", MANAGERS | ROLE_INSTRUCTOR | ROLE_CLINICIAN | ROLE_PRESENTER},
	[PERM_CURRICULA_WRITE] = {"curricula.write", MANAGERS},
	[PERM_COURSES_READ] = {"courses.read", ANY},
	[PERM_COURSES_WRITE] = {"courses.write", MANAGERS},
	[PERM_ENROLL] = {"enrollments.write", MANAGERS | ROLE_SUPERVISOR},
	[PERM_ATTENDANCE_WRITE] = {"attendance.write", MANAGERS | ROLE_INSTRUCTOR},
	[PERM_TRAINING_STATUS] = {"training.status", MANAGERS | ROLE_SUPERVISOR | ROLE_INSTRUCTOR},
	[PERM_CERTS_ISSUE] = {"certificates.issue", MANAGERS},
	[PERM_SETTINGS_WRITE] = {"settings.write", ROLE_ADMIN},
	[PERM_SCENARIOS_READ] = {"scenarios.read", MANAGERS | ROLE_INSTRUCTOR | ROLE_CLINICIAN | ROLE_PRESENTER | ROLE_OFFICER},
	[PERM_SCENARIOS_BRIEF] = {"scenarios.brief", MANAGERS | ROLE_INSTRUCTOR | ROLE_CLINICIAN | ROLE_PRESENTER},
	[PERM_SCENARIOS_WRITE] = {"scenarios.write", MANAGERS | ROLE_INSTRUCTOR},
	[PERM_RUNS_MANAGE] = {"runs.manage", MANAGERS | ROLE_INSTRUCTOR},
};

const char *role_name(role r)
{
	for (size_t i = 0; i < ROLE_COUNT; i++)
		if (roles[i].bit == r)
			return roles[i].name;
	return "unknown";
}

const char *role_label(role r)
{
	for (size_t i = 0; i < ROLE_COUNT; i++)
		if (roles[i].bit == r)
			return roles[i].label;
	return "Unknown";
}

unsigned role_parse(const char *name)
{
	for (size_t i = 0; i < ROLE_COUNT; i++)
		if (!strcmp(roles[i].name, name))
			return roles[i].bit;
	return 0;
}

bool role_parse_list(const char *list, unsigned *mask)
{
	unsigned m = 0;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		char one[32];
		while (n && *p == ' ') {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof one)
			return false;
		memcpy(one, p, n);
		one[n] = '\0';
		unsigned bit = role_parse(one);
		if (!bit)
			return false;
		m |= bit;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	*mask = m;
	return m != 0;
}

const char *const *role_names(void)
{
	return names;
}

const char *perm_name(perm p)
{
	return p < PERM_COUNT ? grants[p].name : "unknown";
}

bool perm_granted(unsigned roles_mask, perm p)
{
	/* The router has already required a signed-in user for every
	 * permission but the public ones. */
	if (p == PERM_PUBLIC || p == PERM_METRICS || p == PERM_SIGNED_IN)
		return true;
	if (p <= PERM_UNSET || p >= PERM_COUNT)
		return false;
	return (roles_mask & grants[p].roles) != 0;
}

bool roles_see_all_orgs(unsigned roles_mask)
{
	return (roles_mask & MANAGERS) != 0 || (roles_mask & ROLE_ANALYST) != 0;
}

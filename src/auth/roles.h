/* roles.h: the nine roles and the permissions routes ask for. Which role
 * grants which permission lives in one table in roles.c. */
#ifndef CITKIT_ROLES_H
#define CITKIT_ROLES_H

#include <stdbool.h>
#include <stdint.h>

/* Roles are bits: a user may hold several. */
typedef enum role {
	ROLE_ADMIN = 1 << 0,
	ROLE_COORDINATOR = 1 << 1,
	ROLE_INSTRUCTOR = 1 << 2,
	ROLE_OFFICER = 1 << 3,
	ROLE_SUPERVISOR = 1 << 4,
	ROLE_CLINICIAN = 1 << 5,
	ROLE_PRESENTER = 1 << 6,  /* lived experience / family member */
	ROLE_DISPATCHER = 1 << 7,
	ROLE_ANALYST = 1 << 8,
} role;

enum { ROLE_COUNT = 9, ROLE_ALL = (1 << ROLE_COUNT) - 1 };

/* Every route names one of these. PERM_UNSET is zero so that a route
 * table entry that forgets its permission is refused at registration. */
typedef enum perm {
	PERM_UNSET = 0,
	PERM_PUBLIC,          /* no sign-in: login page, healthz, verify */
	PERM_SIGNED_IN,       /* any signed-in user: dashboard, own account */
	PERM_ORGS_READ,
	PERM_ORGS_WRITE,
	PERM_USERS_READ,      /* scoped: supervisors see their own org */
	PERM_USERS_WRITE,
	PERM_USERS_UNLOCK,
	PERM_ROSTER_IMPORT,
	PERM_AUDIT_READ,
	PERM_TOKENS_CREATE,   /* API tokens for oneself */
	PERM_METRICS,         /* treated as public: Prometheus scrapes unauthenticated */
	/* Training (issue 3). */
	PERM_CURRICULA_READ,
	PERM_CURRICULA_WRITE, /* derive, edit, approve local curricula */
	PERM_COURSES_READ,    /* course offerings and their schedules */
	PERM_COURSES_WRITE,   /* courses, sessions, instructors */
	PERM_ENROLL,          /* enroll officers (supervisors: their own agency's) */
	PERM_ATTENDANCE_WRITE, /* roll call, make-up credit, completion */
	PERM_TRAINING_STATUS, /* trainees' progress and officers' CIT status (supervisors: own agency) */
	PERM_CERTS_ISSUE,     /* issue, revoke, bulk download certificates */
	PERM_SETTINGS_WRITE,  /* program settings an admin may change (guideline thresholds) */
	PERM_SCENARIOS_READ,  /* the scenario library: titles, dispatch briefs, rubrics */
	PERM_SCENARIOS_BRIEF, /* role players' briefs (never trainees) */
	PERM_SCENARIOS_WRITE, /* edit, import and export scenarios and rubrics */
	PERM_RUNS_MANAGE,     /* start, end and close scenario runs (scoped to courses taught) */
	PERM_COUNT
} perm;

/* Role names as stored and shown: "admin", "coordinator", … */
const char *role_name(role r);
/* Human label: "Administrator", "Lived-experience presenter", … */
const char *role_label(role r);
/* Parses "officer" (one name) into its bit; 0 if unknown. */
unsigned role_parse(const char *name);
/* Parses "officer,supervisor" into a mask; false on any unknown name. */
bool role_parse_list(const char *names, unsigned *mask);
/* NULL-terminated array of the nine names, for enum field specs. */
const char *const *role_names(void);

const char *perm_name(perm p);
/* True if any role in mask grants p. PERM_PUBLIC is always granted. */
bool perm_granted(unsigned roles_mask, perm p);
/* Roles whose holders see every organization's people (not just their own). */
bool roles_see_all_orgs(unsigned roles_mask);

#endif

/* principal.h: who is acting. Filled from a session cookie or an API
 * token by the auth services; handlers and services check it, and the
 * audit log records it. user_id == 0 means nobody is signed in. */
#ifndef CITKIT_PRINCIPAL_H
#define CITKIT_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct principal {
	int64_t user_id, org_id, session_id, token_id;
	unsigned roles;
	const char *email, *name;
	const char *csrf_token;     /* the session's; NULL for bearer tokens */
	bool via_token;             /* authenticated by Authorization: Bearer */
	bool mfa_pending;           /* password accepted, TOTP code still owed */
	bool needs_totp_enrolment;  /* a role requires TOTP but none is enrolled */
	int64_t authenticated_at;   /* for re-authentication of privileged acts */
	const char *ip;             /* where: the client address, for the audit log */
} principal;

/* A credential that something long-lived (an event stream) was opened
 * with, checked again later against the database: the caller sets
 * session_id or token_id; the check fills the rest with what holds now. */
typedef struct principal_check {
	int64_t session_id, token_id; /* in: one of them */
	bool is_valid;                /* out: still signs its user in */
	int64_t user_id, org_id;      /* out: when valid, the user now … */
	unsigned roles;               /* … and their roles now */
} principal_check;

#endif

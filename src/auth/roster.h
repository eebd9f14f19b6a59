/* roster.h: importing an agency's roster from CSV (`citkit import roster
 * FILE --org ORG` and the upload page). All rows or none: every row is
 * checked first and any problem imports nothing, with a report naming each
 * bad row by line number and field.
 *
 * The file: UTF-8 CSV (RFC 4180; a BOM is skipped), a header row first,
 * column names in any order and case. Required columns: email, name,
 * roles (one or more role names separated by ";" or "|"). Optional
 * columns title and badge are accepted and ignored (citkit keeps no such
 * field yet); any other column is refused so a shifted file is caught.
 * Imported users are active and have no password until one is set. */
#ifndef CITKIT_ROSTER_H
#define CITKIT_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../db/db.h"
#include "principal.h"

enum {
	ROSTER_MAX_ROWS = 10000,
	ROSTER_MAX_PROBLEMS = 200, /* the report stops listing after this many */
};

typedef struct roster_row {
	int64_t line;             /* 1-based line where the record starts */
	const char *email, *name; /* email lower-cased, both trimmed */
	unsigned roles;
} roster_row;

typedef struct roster_problem {
	int64_t line;      /* 0 for the file as a whole */
	const char *field; /* "email", "name", "roles", "row", "header", "file" */
	const char *message;
} roster_problem;

typedef struct roster_report {
	size_t rows;     /* data rows read */
	size_t imported; /* 0 unless everything was imported */
	roster_problem *problems;
	size_t n_problems;
	size_t more_problems; /* problems past ROSTER_MAX_PROBLEMS, not listed */
} roster_report;

/* Parses and checks the file on its own (no database): the fuzz target's
 * entry point. 0 with *rows, or CK_E_INVALID with the problems in rep
 * (*rows then holds the well-formed rows). */
int roster_parse(arena *a, const char *data, size_t len, roster_row **rows, size_t *n,
                 roster_report *rep);

/* Parses, checks against the database (emails already present), and
 * inserts every row into org_id in one transaction. Needs
 * PERM_ROSTER_IMPORT; CK_E_NOT_FOUND for an unknown org; CK_E_INVALID
 * with the report when any row is bad (nothing written). Audited as
 * roster.import with the organization and count. */
int roster_import(db *d, arena *a, const principal *actor, int64_t org_id, const char *data,
                  size_t len, roster_report *rep);

#endif

/* runs_internal.h: what runs.c, feedback.c and run_events.c share and
 * nobody else needs: loading a run with the actor's relation to it, and
 * appending a stored event inside the writer's transaction. */
#ifndef CITKIT_RUNS_INTERNAL_H
#define CITKIT_RUNS_INTERNAL_H

#include <jansson.h>

#include "feedback.h"
#include "runs.h"

/* The run with viewer, can_manage, can_score and sees_authors filled for
 * actor, without refusing anyone (callers decide). CK_E_NOT_FOUND when
 * there is no such run. */
int runs_load(db *d, arena *a, const principal *actor, int64_t id, run *out);

/* Every run of a trainee, newest first, with no scope check (the caller
 * checked it); viewer fields filled for actor. */
int runs_load_for_trainee(db *d, arena *a, const principal *actor, int64_t user_id,
                          run **items, size_t *n);

/* The first statement of every transaction that appends run events:
 * writers of runs take turns. On PostgreSQL a table lock that plain reads
 * (the event stream) pass, taken before the serializable snapshot, so
 * concurrent scorers wait for each other instead of failing and retrying
 * until they give up; SQLite's BEGIN IMMEDIATE already does it. */
int run_events_lock(db *d);

/* Appends one event of kind to run_id: bumps scenario_runs.event_seq,
 * sets "run_id" and "seq" in data (the reference is consumed), stores the
 * row and notifies other processes (db_notify), all in the caller's
 * transaction. *seq (may be NULL) gets the event's number. */
int run_event_append(db *d, arena *a, int64_t run_id, const char *kind, json_t *data,
                     int64_t *seq);

/* feedback.c: aggregates of a run, no scope check. show_authors false
 * hides classmates' names. */
int runs_summary_load(db *d, arena *a, const run *r, bool show_authors, run_summary *out);
/* The summary's skills array as in the API and the events. */
json_t *run_summary_skills_json(const run_summary *s);
/* A ×100 value as a JSON number with two decimals, or null for -1. */
json_t *run_x100_json(int64_t x100);

#endif

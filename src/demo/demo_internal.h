/* demo_internal.h: what demo.c and the demo's training steps
 * (demo_training.c) share: the run being loaded and small helpers. */
#ifndef CITKIT_DEMO_INTERNAL_H
#define CITKIT_DEMO_INTERNAL_H

#include <stddef.h>

#include "../base/kv.h"
#include "../base/validate.h"
#include "demo.h"

typedef struct demo_run {
	db *d;
	arena *a;
	const principal *actor;
	demo_result *result;
	char *err;
	size_t errlen;
} demo_run;

/* Adds name=value to a form (value copied by the list's arena). */
void demo_add(kv *in, const char *name, const char *value);
/* Says in r->err that item was refused with rc, and each field error. */
void demo_explain(demo_run *r, const char *item, int rc, const field_errors *errs);

/* The principal of the demo user with that email, as if signed in (so
 * what it does is done by that person: signatures, audit). */
int demo_as_user(demo_run *r, const char *email, principal *out);
/* The demo's program coordinator, who issues the certificates. */
#define DEMO_COORDINATOR "coordinator@pinebeltcit.example"

/* The training steps, in the order they run. */
int demo_load_model(demo_run *r);
int demo_load_curriculum(demo_run *r);
int demo_load_courses(demo_run *r);
/* The scenario library step. */
int demo_load_library(demo_run *r);
/* demo_runs.c: the scenario runs of a demo course (trainees by email):
 * finished ones on its fourth day, two passed a trainee, when
 * is_complete; one live run now otherwise. */
struct course;
int demo_load_runs(demo_run *r, const struct course *c, const char *const *trainees,
                   size_t n_trainees, bool is_complete);

#endif

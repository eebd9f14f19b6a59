/* curricula_internal.h: what the curriculum files share and nobody else
 * needs. */
#ifndef CITKIT_CURRICULA_INTERNAL_H
#define CITKIT_CURRICULA_INTERNAL_H

#include "curricula.h"

/* A version by id with no permission check (the write paths and the
 * loader). CK_E_NOT_FOUND when there is none. */
int curriculum_version_load(db *d, arena *a, int64_t id, curriculum_version *out);

#endif

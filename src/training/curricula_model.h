/* curricula_model.h: the national curriculum model (data/curricula/
 * national-model.csv, embedded in the binary): its parser and its loading
 * into the database by `citkit init`, `citkit migrate` and `citkit demo`. */
#ifndef CITKIT_CURRICULA_MODEL_H
#define CITKIT_CURRICULA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../db/db.h"
#include "curricula.h"

/* Reads the model CSV: a header "code,day,title,component,minutes,
 * required,instructor_kinds,objectives", then one module a record
 * (objectives one a line inside a quoted field; required yes/no). Every
 * module gets position in file order and model_minutes = minutes. 0, or
 * CK_E_INVALID with err naming the record and the problem. */
int curriculum_model_parse(arena *a, const char *data, size_t len, curriculum_module **mods,
                           size_t *n, char *err, size_t errlen);

/* The embedded CSV. */
int curriculum_model_embedded(const char **data, size_t *len);

/* Loads the embedded model once: when no curriculum of kind "model"
 * exists, creates it with one approved version and its modules (audited
 * as curriculum.model_load); else changes nothing. *loaded says which. */
int curriculum_model_ensure(db *d, bool *loaded);

/* The newest approved version of the model, CK_E_NOT_FOUND if none. */
int curriculum_model_version(db *d, int64_t *version_id);

/* Inserts modules as rows of version_id at positions 1..n (inside the
 * caller's transaction). */
int curriculum_modules_insert(db *d, int64_t version_id, const curriculum_module *m, size_t n);

#endif

/* migrations.h: the numbered schema migrations compiled into the binary
 * (src/db/migrations/<dialect>/NNNN_name.sql, embedded by scripts/embed.py
 * from src/db/meson.build). Names are "sqlite/0001_foundation.sql" and
 * "postgres/0001_foundation.sql"; the table is sorted by name and ends with
 * a NULL name. */
#ifndef CITKIT_DB_MIGRATIONS_H
#define CITKIT_DB_MIGRATIONS_H

#include "base/embedded.h"

extern const struct embedded_file db_migrations[];

#endif

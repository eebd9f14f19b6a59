/* assets.h: the files of ui/ embedded in the binary and served at
 * /assets/<name> with a strong ETag. Pages link them through assets_url,
 * which adds the ETag as a version so browsers may cache them for a year. */
#ifndef CITKIT_ASSETS_H
#define CITKIT_ASSETS_H

#include <stddef.h>

#include "../base/arena.h"
#include "http.h"

/* "/assets/site.css?v=<etag>"; the bare path if name is not embedded. */
const char *assets_url(arena *a, const char *name);
/* The embedded bytes of name, or NULL. */
const void *assets_find(const char *name, size_t *len, const char **content_type,
                        const char **etag);
/* GET /assets/{name} */
int assets_handle(request *req);

#endif

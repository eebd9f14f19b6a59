/* assets.c: serving the embedded ui/ files. ETags are computed once (a
 * 64-bit FNV-1a of the bytes: strong, as the bytes never change while the
 * process runs); a matching If-None-Match gets 304 with no body. */
#include "assets.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../base/embedded.h"
#include "../base/errors.h"
#include "web_internal.h"

extern const struct embedded_file ui_assets[];

enum { MAX_ASSETS = 64, ETAG_LEN = 24 };

static char etags[MAX_ASSETS][ETAG_LEN];
static size_t n_assets;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void compute_etags(void)
{
	for (size_t i = 0; i < MAX_ASSETS && ui_assets[i].name; i++) {
		uint64_t h = 1469598103934665603ULL;
		for (size_t j = 0; j < ui_assets[i].len; j++) {
			h ^= ui_assets[i].data[j];
			h *= 1099511628211ULL;
		}
		snprintf(etags[i], ETAG_LEN, "\"%016" PRIx64 "\"", h);
		n_assets = i + 1;
	}
}

int assets_init(void)
{
	pthread_once(&once, compute_etags);
	return n_assets ? 0 : CK_E_INTERNAL;
}

static const char *type_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

const void *assets_find(const char *name, size_t *len, const char **content_type, const char **etag)
{
	assets_init();
	for (size_t i = 0; i < n_assets; i++) {
		if (strcmp(ui_assets[i].name, name))
			continue;
		*len = ui_assets[i].len;
		if (content_type)
			*content_type = type_of(name);
		if (etag)
			*etag = etags[i];
		return ui_assets[i].data;
	}
	return NULL;
}

const char *assets_url(arena *a, const char *name)
{
	size_t len;
	const char *etag;
	if (!assets_find(name, &len, NULL, &etag))
		return arena_printf(a, "/assets/%s", name);
	/* The ETag without its quotes. */
	return arena_printf(a, "/assets/%s?v=%.16s", name, etag + 1);
}

/* True when the If-None-Match list names etag (or is "*"). */
static bool etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	if (!strcmp(inm, "*"))
		return true;
	return strstr(inm, etag) != NULL;
}

/* GET /assets/{name}: the embedded file, cacheable for a year because
 * pages link it with its ETag as a version. */
int assets_handle(request *req)
{
	size_t len;
	const char *type, *etag;
	const void *data = assets_find(req->path_params[0], &len, &type, &etag);
	if (!data) {
		resp_error(req, CK_E_NOT_FOUND, NULL);
		return CK_E_NOT_FOUND;
	}
	resp_header(req, "ETag", etag);
	resp_header(req, "Cache-Control", "public, max-age=31536000, immutable");
	if (etag_matches(request_header(req, "If-None-Match"), etag)) {
		resp_static(req, 304, type, "", 0);
		return 0;
	}
	resp_static(req, 200, type, data, len);
	return 0;
}

/* web_routes.c: the web layer's own routes. */
#include "assets.h"
#include "health.h"
#include "metrics.h"
#include "openapi.h"
#include "server.h"

static const route web_routes[] = {
    {"GET", "/healthz", health_handle, PERM_PUBLIC, 0, "Liveness and database check"},
    {"GET", "/metrics", metrics_handle, PERM_METRICS, 0, "Prometheus metrics"},
    {"GET", "/assets/{name}", assets_handle, PERM_PUBLIC, 0,
     "Embedded stylesheet, script and images"},
    {"GET", "/api/v1/openapi.json", openapi_handle, PERM_PUBLIC, ROUTE_API,
     "This API description (OpenAPI 3.1)"},
};

void web_routes_register(void)
{
	ROUTES_ADD(web_routes);
}

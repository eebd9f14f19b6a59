/* openapi.h: GET /api/v1/openapi.json, generated from the registered
 * route tables so the description cannot drift from the code. */
#ifndef CITKIT_OPENAPI_H
#define CITKIT_OPENAPI_H

#include "http.h"

/* The OpenAPI 3.1 document for every registered ROUTE_API route. The
 * caller owns the reference. */
json_t *openapi_document(const char *title, const char *version);
/* GET /api/v1/openapi.json */
int openapi_handle(request *req);

#endif

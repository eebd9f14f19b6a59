/* openapi.c: the API description, built from the route tables at request
 * time: each ROUTE_API route becomes an operation with its path
 * parameters, summary, security and the standard problem responses. */
#include "openapi.h"

#include <ctype.h>
#include <string.h>

#include "web_internal.h"

static json_t *problem_ref(const char *description)
{
	return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", description, "content",
	                 "application/problem+json", "schema", "$ref",
	                 "#/components/schemas/Problem");
}

static json_t *path_parameters(const char *pattern)
{
	json_t *params = json_array();
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		if (!close)
			break;
		json_t *name = json_stringn(p + 1, (size_t)(close - p - 1));
		json_array_append_new(params,
		                      json_pack("{s:o,s:s,s:b,s:{s:s}}", "name", name, "in", "path",
		                                "required", 1, "schema", "type", "string"));
	}
	return params;
}

/* "GET /api/v1/users/{id}" → "get_api_v1_users_id" */
static json_t *operation_id(const route *r)
{
	char id[256];
	size_t n = 0;
	for (const char *m = r->method; *m && n < sizeof id - 1; m++)
		id[n++] = (char)tolower((unsigned char)*m);
	for (const char *p = r->pattern; *p && n < sizeof id - 1; p++) {
		if (isalnum((unsigned char)*p))
			id[n++] = *p;
		else if (n && id[n - 1] != '_' && *p != '}')
			id[n++] = '_';
	}
	while (n && id[n - 1] == '_')
		n--;
	return json_stringn(id, n);
}

static json_t *operation(const route *r)
{
	bool is_public = r->permission == PERM_PUBLIC || r->permission == PERM_METRICS;
	json_t *op = json_object();
	json_object_set_new(op, "operationId", operation_id(r));
	json_object_set_new(op, "summary", json_string(r->summary ? r->summary : r->pattern));
	json_object_set_new(op, "x-citkit-permission", json_string(perm_name(r->permission)));
	json_t *params = path_parameters(r->pattern);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	json_object_set_new(op, "security",
	                    is_public ? json_array()
	                              : json_pack("[{s:[]},{s:[]}]", "bearer", "cookie"));
	json_t *responses = json_object();
	if (r->flags & ROUTE_SSE)
		json_object_set_new(responses, "200",
		                    json_pack("{s:s,s:{s:{s:{s:s}}}}", "description",
		                              "A stream of server-sent events", "content",
		                              "text/event-stream", "schema", "type", "string"));
	else
		json_object_set_new(responses, "2XX", json_pack("{s:s}", "description", "Success"));
	json_object_set_new(responses, "400", problem_ref("Malformed request"));
	if (!is_public) {
		json_object_set_new(responses, "401", problem_ref("No or invalid credentials"));
		json_object_set_new(responses, "403", problem_ref("Not permitted"));
	}
	json_object_set_new(responses, "404", problem_ref("Not found, or outside your scope"));
	if (strcmp(r->method, "GET") && strcmp(r->method, "DELETE")) {
		json_object_set_new(responses, "413", problem_ref("Body too large"));
		json_object_set_new(responses, "415", problem_ref("Unsupported content type"));
		json_object_set_new(responses, "422", problem_ref("Validation failed"));
	}
	json_object_set_new(responses, "default", problem_ref("Error"));
	json_object_set_new(op, "responses", responses);
	return op;
}

static json_t *components(void)
{
	return json_pack(
	    "{s:{s:{s:s,s:s},s:{s:s,s:s,s:s}},s:{s:{s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},"
	    "s:{s:s,s:{s:s,s:{s:{s:s},s:{s:s}}}}}}}}",
	    "securitySchemes", "bearer", "type", "http", "scheme", "bearer", "cookie", "type",
	    "apiKey", "in", "cookie", "name", "citkit_session", "schemas", "Problem", "type",
	    "object", "properties", "type", "type", "string", "title", "type", "string", "status",
	    "type", "integer", "detail", "type", "string", "instance", "type", "string", "errors",
	    "type", "array", "items", "type", "object", "properties", "field", "type", "string",
	    "message", "type", "string");
}

json_t *openapi_document(const char *title, const char *version)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < router_count(); i++) {
		const route *r = router_at(i);
		if (!(r->flags & ROUTE_API))
			continue;
		json_t *item = json_object_get(paths, r->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->pattern, item);
		}
		char method[16];
		size_t n = 0;
		for (const char *m = r->method; *m && n < sizeof method - 1; m++)
			method[n++] = (char)tolower((unsigned char)*m);
		method[n] = '\0';
		json_object_set_new(item, method, operation(r));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "openapi", json_string("3.1.0"));
	json_object_set_new(doc, "info",
	                    json_pack("{s:s,s:s,s:s}", "title", title, "version", version,
	                              "description",
	                              "citkit JSON API. Errors are RFC 9457 problem documents."));
	json_object_set_new(doc, "servers", json_pack("[{s:s}]", "url", "/"));
	json_object_set_new(doc, "paths", paths);
	json_object_set_new(doc, "components", components());
	return doc;
}

/* GET /api/v1/openapi.json */
int openapi_handle(request *req)
{
	resp_json(req, 200, openapi_document(web_program_name(req), "0.1.0"));
	return 0;
}

/* certificates_web.h: what the certificate pages and API handlers share:
 * route registration, the base of verification links, and rendering a
 * list of certificates as one PDF. The HTTP edge only. */
#ifndef CITKIT_CERTIFICATES_WEB_H
#define CITKIT_CERTIFICATES_WEB_H

#include <stddef.h>

#include "../base/buf.h"
#include "../base/json_write.h"
#include "../db/db.h"
#include "../web/http.h"
#include "../auth/orgs.h"
#include "certificates.h"
#include "transcripts.h"

/* All of credentials' route tables (serve.c calls this once). */
void credentials_register(void);
void certificates_pages_register(void);
void certificates_api_register(void);
void transcripts_pages_register(void);
void transcripts_api_register(void);

/* [program] public_url, set once at start before any thread (NULL or ""
 * = none: links then use the address the request came to). */
void certificates_set_public_url(const char *url);
/* "https://cit.example.org": the public URL, else scheme + Host of req. */
const char *certificates_verify_base(request *req);
/* The PDF of certs[0..n) with their signatures' names, into out. */
int certificates_pdf_render(request *req, db *d, const certificate *certs, size_t n, buf *out);
/* One certificate as the API's JSON object, its status as of now. */
void certificates_json_out(json_out *o, const certificate *c, int64_t now);
/* The agency status the page and the API show: org_id (0: the caller's
 * own agency), that organization and each of its officers as of now; the
 * service's error otherwise (404 outside the caller's scope). */
int transcripts_agency(request *req, db *d, int64_t org_id, int64_t now, org *o,
                       officer_status **items, size_t *n);
/* Sends body as a download (Content-Disposition: attachment). */
void certificates_send_file(request *req, const char *content_type, const char *filename,
                            const buf *body);

#endif

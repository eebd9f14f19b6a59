/* certificates_web.c: helpers the certificate pages and API share: where
 * verification links point, one PDF from a list of certificates, file
 * downloads, and the one registration call for serve.c. */
#include "certificates_web.h"

#include <stdio.h>
#include <string.h>

#include "../auth/auth_web.h"
#include "../base/errors.h"
#include "../web/web_internal.h"
#include "certificate_pdf.h"

/* Set once at start-up, before the server's threads; read-only after. */
static char public_url[512];

void certificates_set_public_url(const char *url)
{
	snprintf(public_url, sizeof public_url, "%s", url ? url : "");
	size_t n = strlen(public_url);
	while (n && public_url[n - 1] == '/')
		public_url[--n] = '\0';
}

const char *certificates_verify_base(request *req)
{
	if (*public_url)
		return public_url;
	const char *host = request_header(req, "Host");
	if (!host || !*host || strpbrk(host, " /\\\"<>"))
		host = "localhost";
	return arena_printf(req->arena, "%s://%s", req->is_tls ? "https" : "http", host);
}

int certificates_pdf_render(request *req, db *d, const certificate *certs, size_t n, buf *out)
{
	cert_pdf_page *pages = arena_array(req->arena, n ? n : 1, sizeof *pages);
	for (size_t i = 0; i < n; i++) {
		pages[i].cert = &certs[i];
		int rc = certificate_signers(d, req->arena, &certs[i], &pages[i].coordinator,
		                             &pages[i].instructor);
		if (rc < 0)
			return rc;
	}
	return certificate_pdf(req->arena, pages, n, web_program_name(req),
	                       certificates_verify_base(req), out);
}

void certificates_send_file(request *req, const char *content_type, const char *filename,
                            const buf *body)
{
	/* The name comes from a serial whose prefix is a setting: keep it to
	 * characters that need no quoting in the header. */
	char *safe = arena_strdup(req->arena, filename);
	for (char *p = safe; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
			*p = '_';
	req->resp.status = 200;
	req->resp.content_type = content_type;
	req->resp.static_body = NULL;
	req->resp.static_len = 0;
	buf_init(&req->resp.body, req->arena);
	buf_append(&req->resp.body, body->data ? body->data : "", body->len);
	resp_header(req, "Content-Disposition",
	            arena_printf(req->arena, "attachment; filename=\"%s\"", safe));
}

void credentials_register(void)
{
	certificates_pages_register();
	certificates_api_register();
	transcripts_pages_register();
	transcripts_api_register();
}

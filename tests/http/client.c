/* client.c: the HTTP suite's client (see harness.h): requests through
 * libcurl, a cookie jar per agent, and the checks every response passes:
 * the security headers, and tidy for every HTML page. */
#include "harness.h"
#include "harness_internal.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Pages checked so far: names the saved copy of a page tidy refused. */
static int n_pages;

size_t grow_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	grow *g = ctx;
	size_t len = size * nmemb;
	char *p = realloc(g->p, g->n + len + 1);
	if (!p)
		return 0;
	memcpy(p + g->n, data, len);
	g->n += len;
	p[g->n] = '\0';
	g->p = p;
	return len;
}

static bool ieq_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

const char *hresp_header(const hresp *r, const char *name)
{
	static char value[4096];
	size_t nlen = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (len > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ')
				v++;
			size_t vlen = len - (size_t)(v - line);
			while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
				vlen--;
			if (vlen >= sizeof value)
				vlen = sizeof value - 1;
			memcpy(value, v, vlen);
			value[vlen] = '\0';
			return value;
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static void jar_set(agent *a, const char *name, size_t nlen, const char *value, size_t vlen,
                    bool remove)
{
	size_t i;
	for (i = 0; i < a->n_cookies; i++)
		if (strlen(a->jar[i].name) == nlen && memcmp(a->jar[i].name, name, nlen) == 0)
			break;
	if (remove) {
		if (i < a->n_cookies)
			a->jar[i] = a->jar[--a->n_cookies];
		return;
	}
	if (i == a->n_cookies) {
		if (a->n_cookies == JAR_MAX)
			fail_msg("more than %d cookies", JAR_MAX);
		a->n_cookies++;
	}
	if (nlen >= sizeof a->jar[i].name || vlen >= sizeof a->jar[i].value)
		fail_msg("cookie too long: %.*s", (int)nlen, name);
	memcpy(a->jar[i].name, name, nlen);
	a->jar[i].name[nlen] = '\0';
	memcpy(a->jar[i].value, value, vlen);
	a->jar[i].value[vlen] = '\0';
}

/* Keeps the agent's jar as a browser would: Set-Cookie sets, Max-Age=0
 * or an empty value deletes. */
static void jar_update(agent *a, const hresp *r)
{
	for (const char *line = r->headers; line && *line;) {
		const char *eol = strchr(line, '\n');
		if (ieq_prefix(line, "Set-Cookie:")) {
			const char *c = line + 11;
			while (*c == ' ')
				c++;
			const char *eq = strchr(c, '=');
			const char *semi = strpbrk(c, ";\r\n");
			if (eq && (!semi || eq < semi)) {
				const char *v = eq + 1;
				size_t vlen = semi ? (size_t)(semi - v) : strlen(v);
				char attrs[1024] = "";
				if (semi) {
					size_t alen = eol ? (size_t)(eol - semi) : strlen(semi);
					if (alen >= sizeof attrs)
						alen = sizeof attrs - 1;
					memcpy(attrs, semi, alen);
					attrs[alen] = '\0';
				}
				bool remove = vlen == 0 || strcasestr(attrs, "Max-Age=0") != NULL;
				jar_set(a, c, (size_t)(eq - c), v, vlen, remove);
			}
		}
		line = eol ? eol + 1 : NULL;
	}
}

/* tidy's warnings that are wrong about HTML5. tidy 5.6 (Debian 12) predates
 * these standard attributes and calls them "proprietary": inputmode,
 * enterkeyhint, autocapitalize and minlength (WHATWG HTML), aria-current (WAI-ARIA
 * 1.1, marks the current page in the navigation) and shape-rendering (an
 * SVG 1.1 presentation attribute on inline SVG: crisp QR codes). Every
 * other warning (an empty element trimmed, a missing alt, bad nesting, an
 * unknown attribute or element, a duplicate id) is a defect in our markup
 * and fails the test, like every error. */
static const char *tidy_allowed[] = {
    "proprietary attribute \"inputmode\"",
    "proprietary attribute \"enterkeyhint\"",
    "proprietary attribute \"autocapitalize\"",
    "proprietary attribute \"minlength\"",
    "proprietary attribute \"aria-current\"",
    "<svg> proprietary attribute \"shape-rendering\"",
    NULL,
};

/* HTML 5.2 lets a <div> group each <dt>/<dd> pair of a <dl> (for styling);
 * tidy 5.6 predates that and reports the grouping as broken nesting. The
 * copy given to tidy drops exactly those <div> and </div> tags (the direct
 * children of a <dl>), so tidy still checks the <dl>, <dt> and <dd>
 * structure and everything else as strictly as before. */
static char *ungroup_dl(const char *html, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	size_t n = 0;
	int in_dl = 0, div_depth = 0;
	bool drop_close[64] = {false};
	for (size_t i = 0; i < len;) {
		const char *p = html + i;
		size_t tag_len = 0;
		if (*p == '<') {
			const char *gt = memchr(p, '>', len - i);
			tag_len = gt ? (size_t)(gt - p) + 1 : 0;
		}
		bool drop = false;
		if (tag_len) {
			if (strncasecmp(p, "<dl", 3) == 0 && (p[3] == '>' || p[3] == ' ')) {
				in_dl++;
				div_depth = 0;
			} else if (strncasecmp(p, "</dl>", 5) == 0 && in_dl > 0) {
				in_dl--;
			} else if (in_dl && strncasecmp(p, "<div", 4) == 0 &&
			           (p[4] == '>' || p[4] == ' ')) {
				if (div_depth < 64)
					drop_close[div_depth] = div_depth == 0;
				drop = div_depth == 0;
				div_depth++;
			} else if (in_dl && strncasecmp(p, "</div>", 6) == 0 && div_depth > 0) {
				div_depth--;
				drop = div_depth < 64 && drop_close[div_depth];
			}
		}
		if (drop) {
			i += tag_len;
			continue;
		}
		size_t k = tag_len ? tag_len : 1;
		memcpy(out + n, p, k);
		n += k;
		i += k;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

static void check_tidy(const char *path_hint, const hresp *r)
{
	char page[1100], out[1100], err[1100];
	n_pages++;
	snprintf(page, sizeof page, "%s/page-%d.html", harness_work(), n_pages);
	snprintf(out, sizeof out, "%s/tidy-out", harness_work());
	snprintf(err, sizeof err, "%s/tidy-%d.txt", harness_work(), n_pages);
	size_t tlen;
	char *tidy_copy = ungroup_dl(r->body, r->len, &tlen);
	harness_write(page, tidy_copy, tlen);
	free(tidy_copy);
	unlink(err);
	char *argv[] = {"/usr/bin/tidy", "-q", "-e", "-utf8", page, NULL};
	int code = harness_run(argv, NULL, out, err);
	char *report = harness_slurp(err, NULL);
	char bad[4096] = "";
	size_t nbad = 0;
	for (char *line = report; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		bool allowed = false;
		for (int i = 0; tidy_allowed[i]; i++)
			if (strstr(line, tidy_allowed[i]))
				allowed = true;
		if (*line && !allowed && nbad < sizeof bad - 200)
			nbad += (size_t)snprintf(bad + nbad, sizeof bad - nbad, "  %s\n", line);
		line = eol ? eol + 1 : NULL;
	}
	free(report);
	if (code > 2 || code < 0)
		fail_msg("tidy could not run (exit %d)", code);
	if (code == 2 || nbad > 0)
		fail_msg("tidy on %s (saved as %s):\n%s", path_hint, page, bad);
	unlink(page);
	unlink(err);
	unlink(out);
}

/* The headers every response carries (DESIGN.md, "Safe by default"). */
static void check_headers(const char *path, const hresp *r)
{
	const char *csp = hresp_header(r, "Content-Security-Policy");
	if (!csp)
		fail_msg("%s: no Content-Security-Policy", path);
	char cspv[4096];
	snprintf(cspv, sizeof cspv, "%s", csp);
	if (!strstr(cspv, "frame-ancestors 'none'"))
		fail_msg("%s: CSP without frame-ancestors 'none': %s", path, cspv);
	const char *script = strstr(cspv, "script-src");
	if (!script)
		script = strstr(cspv, "default-src");
	if (!script)
		fail_msg("%s: CSP names neither script-src nor default-src: %s", path, cspv);
	size_t dlen = strcspn(script, ";");
	char directive[1024];
	snprintf(directive, sizeof directive, "%.*s", (int)dlen, script);
	if (strstr(directive, "'unsafe-inline'") || strstr(directive, "'unsafe-eval'"))
		fail_msg("%s: CSP allows inline script: %s", path, directive);
	const char *nosniff = hresp_header(r, "X-Content-Type-Options");
	if (!nosniff || strcasecmp(nosniff, "nosniff") != 0)
		fail_msg("%s: X-Content-Type-Options is not nosniff", path);
	if (!hresp_header(r, "Referrer-Policy"))
		fail_msg("%s: no Referrer-Policy", path);
}

void http(agent *a, const char *method, const char *path, const char *ctype, const char *body,
          size_t len, const char *const *extra, hresp *r)
{
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	if (!c)
		fail_msg("curl_easy_init");
	char url[2048];
	snprintf(url, sizeof url, "%s%s", base_url(), path);
	grow body_g = {0}, head_g = {0};
	struct curl_slist *hs = NULL;
	char line[2048];
	/* No "Expect: 100-continue" unless a test asks for it (extra). */
	bool asks_expect = false;
	for (size_t i = 0; extra && extra[i]; i++)
		asks_expect |= strncasecmp(extra[i], "Expect:", 7) == 0;
	if (!asks_expect)
		hs = curl_slist_append(hs, "Expect:");
	if (ctype) {
		snprintf(line, sizeof line, "Content-Type: %s", ctype);
		hs = curl_slist_append(hs, line);
	}
	if (a && a->bearer[0]) {
		snprintf(line, sizeof line, "Authorization: Bearer %s", a->bearer);
		hs = curl_slist_append(hs, line);
	}
	if (a && a->n_cookies) {
		size_t n = (size_t)snprintf(line, sizeof line, "Cookie: ");
		for (size_t i = 0; i < a->n_cookies && n < sizeof line; i++)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s%s=%s", i ? "; " : "",
			                      a->jar[i].name, a->jar[i].value);
		hs = curl_slist_append(hs, line);
	}
	for (size_t i = 0; extra && extra[i]; i++)
		hs = curl_slist_append(hs, extra[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, grow_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body_g);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, grow_write);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &head_g);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "citkit-http-suite");
	char iface[48];
	if (a && a->from_ip[0]) {
		snprintf(iface, sizeof iface, "host!%s", a->from_ip);
		curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	}
	if (harness_cainfo()[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, harness_cainfo());
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	r->body = body_g.p ? body_g.p : strdup("");
	r->len = body_g.n;
	r->headers = head_g.p ? head_g.p : strdup("");
	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	const char *ct = hresp_header(r, "Content-Type");
	snprintf(r->content_type, sizeof r->content_type, "%s", ct ? ct : "");
	const char *loc = hresp_header(r, "Location");
	snprintf(r->location, sizeof r->location, "%s", loc ? loc : "");
	/* An absolute Location on our own base counts as the path. */
	size_t blen = strlen(base_url());
	if (strncmp(r->location, base_url(), blen) == 0)
		memmove(r->location, r->location + blen, strlen(r->location) - blen + 1);
	if (a)
		jar_update(a, r);
	check_headers(path, r);
	if (strncmp(r->content_type, "text/html", 9) == 0 && r->len > 0) {
		check_tidy(path, r);
		if (a)
			html_input_value(r->body, "csrf", a->csrf, sizeof a->csrf);
	}
}

void http_get(agent *a, const char *path, hresp *r)
{
	http(a, "GET", path, NULL, NULL, 0, NULL, r);
}

void http_post_form(agent *a, const char *path, const char *fields, hresp *r)
{
	char origin[256];
	snprintf(origin, sizeof origin, "Origin: %s", base_url());
	const char *extra[] = {origin, "Sec-Fetch-Site: same-origin", NULL};
	size_t cap = strlen(fields) + sizeof a->csrf * 3 + 16;
	char *body = malloc(cap);
	if (strncmp(fields, "csrf=", 5) == 0 || strstr(fields, "&csrf=") || !a->csrf[0])
		snprintf(body, cap, "%s", fields);
	else
		snprintf(body, cap, "%s%scsrf=%s", fields, *fields ? "&" : "", form_enc(a->csrf));
	http(a, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), extra, r);
	free(body);
}

void http_json(agent *a, const char *method, const char *path, const char *json, hresp *r)
{
	http(a, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0, NULL,
	     r);
}

void hresp_free(hresp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

json_t *hresp_json(const hresp *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body, r->len, 0, &e);
	if (!j)
		fail_msg("not JSON (%s) [%ld %s]: %.400s", e.text, r->status, r->content_type,
		         r->body);
	return j;
}

const char *form_enc(const char *s)
{
	static char bufs[4][2048];
	static int k;
	char *out = bufs[k++ % 4];
	size_t n = 0;
	for (; *s && n < sizeof bufs[0] - 4; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			out[n++] = (char)ch;
		else
			n += (size_t)snprintf(out + n, 4, "%%%02X", ch);
	}
	out[n] = '\0';
	return out;
}

/* Finds <input … name="NAME" … value="V"> (attributes in any order) and
 * decodes the few entities an escaping writer produces. */
bool html_input_value(const char *html, const char *name, char *out, size_t outlen)
{
	char needle[128];
	snprintf(needle, sizeof needle, "name=\"%s\"", name);
	for (const char *p = strstr(html, needle); p; p = strstr(p + 1, needle)) {
		const char *open = p;
		while (open > html && *open != '<')
			open--;
		const char *close = strchr(p, '>');
		if (!close || strncasecmp(open, "<input", 6) != 0)
			continue;
		const char *v = strstr(open, " value=\"");
		if (!v || v > close)
			continue;
		v += 8;
		size_t n = 0;
		while (*v && *v != '"' && n + 1 < outlen) {
			if (*v == '&') {
				static const struct {
					const char *ent;
					char ch;
				} ents[] = {{"&amp;", '&'},   {"&quot;", '"'}, {"&#39;", '\''},
				            {"&#x27;", '\''}, {"&lt;", '<'},   {"&gt;", '>'}};
				bool done = false;
				for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
					size_t el = strlen(ents[k].ent);
					if (strncmp(v, ents[k].ent, el) == 0) {
						out[n++] = ents[k].ch;
						v += el;
						done = true;
					}
				}
				if (!done)
					out[n++] = *v++;
			} else {
				out[n++] = *v++;
			}
		}
		out[n] = '\0';
		return true;
	}
	return false;
}

void expect_status_at(const hresp *r, long want, const char *file, int line)
{
	if (r->status != want)
		fail_msg("%s:%d: status %ld, want %ld (Location: %s)\n%.600s", file, line,
		         r->status, want, r->location, r->body);
}

void expect_redirect_at(const hresp *r, const char *prefix, const char *file, int line)
{
	if (r->status != 303 || strncmp(r->location, prefix, strlen(prefix)) != 0)
		fail_msg("%s:%d: status %ld to \"%s\", want 303 to %s…\n%.400s", file, line,
		         r->status, r->location, prefix, r->body);
}

void expect_form_error_at(const hresp *r, const char *field, const char *file, int line)
{
	char want[160];
	snprintf(want, sizeof want, "id=\"f-%s-error\"", field);
	if (!strstr(r->body, want)) {
		const char *main = strstr(r->body, "<main");
		fail_msg("%s:%d: status %ld, the page shows no message for %s:\n%.1500s", file,
		         line, r->status, field, main ? main : r->body);
	}
}

/* signin.c: signing in through the pages as a browser does (see
 * harness.h): the password form, a TOTP code when one is owed, and TOTP
 * enrolment from the secret the page shows, with codes made by liboath. */
#include "harness.h"
#include "harness_internal.h"

#include <ctype.h>
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t totp_step_now(void)
{
	return (int64_t)time(NULL) / 30;
}

void totp_code(const tuser *u, int64_t step, char out[7])
{
	char *raw = NULL;
	size_t rawlen = 0;
	oath_init();
	if (oath_base32_decode(u->totp_secret, strlen(u->totp_secret), &raw, &rawlen) != OATH_OK)
		fail_msg("TOTP secret is not base32: %s", u->totp_secret);
	if (oath_totp_generate(raw, rawlen, (time_t)(step * 30), 30, 0, 6, out) != OATH_OK)
		fail_msg("oath_totp_generate failed");
	free(raw);
	oath_done();
}

void totp_wait_fresh(tuser *u)
{
	while (totp_step_now() <= u->totp_last_step)
		harness_sleep_ms(250);
}

/* The secret shown on the enrolment page: the otpauth:// URI's secret=
 * when the page carries one, else the longest run of base32 characters
 * (groups of four may be spaced for reading). */
static bool find_secret(const char *html, char *out, size_t outlen)
{
	const char *s = strstr(html, "secret=");
	if (s) {
		s += 7;
		size_t n = 0;
		while (n + 1 < outlen && ((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7')))
			out[n++] = *s++;
		out[n] = '\0';
		if (n >= 16)
			return true;
	}
	size_t best = 0;
	for (const char *p = html; *p; p++) {
		if (p > html && (isalnum((unsigned char)p[-1])))
			continue;
		char tmp[128];
		size_t n = 0;
		const char *q = p;
		while (*q && n + 1 < sizeof tmp) {
			if ((*q >= 'A' && *q <= 'Z') || (*q >= '2' && *q <= '7'))
				tmp[n++] = *q++;
			else if (*q == ' ' && n > 0 &&
			         ((q[1] >= 'A' && q[1] <= 'Z') || (q[1] >= '2' && q[1] <= '7')))
				q++;
			else
				break;
		}
		if (isalnum((unsigned char)*q) || *q == '_')
			continue;
		tmp[n] = '\0';
		if (n >= 16 && n > best && n < outlen) {
			best = n;
			memcpy(out, tmp, n + 1);
		}
	}
	return best > 0;
}

void totp_enrol(agent *a, tuser *u)
{
	hresp r;
	http_get(a, "/account/totp", &r);
	expect_status(&r, 200);
	if (!find_secret(r.body, u->totp_secret, sizeof u->totp_secret))
		fail_msg("no TOTP secret in the text of /account/totp:\n%.800s", r.body);
	hresp_free(&r);
	char code[7], fields[256];
	u->totp_last_step = totp_step_now();
	totp_code(u, u->totp_last_step, code);
	snprintf(fields, sizeof fields, "code=%s", code);
	http_post_form(a, "/account/totp", fields, &r);
	if (r.status != 303)
		fail_msg("TOTP enrolment refused (%ld):\n%.800s", r.status, r.body);
	hresp_free(&r);
}

static void post_password(agent *a, tuser *u, hresp *r)
{
	hresp page;
	http_get(a, "/login", &page);
	expect_status(&page, 200);
	hresp_free(&page);
	char fields[512];
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u->email),
	         form_enc(u->password));
	http_post_form(a, "/login", fields, r);
}

void login(agent *a, tuser *u)
{
	hresp r;
	post_password(a, u, &r);
	if (r.status != 303)
		fail_msg("login of %s refused (%ld):\n%.600s", u->email, r.status, r.body);
	if (strncmp(r.location, "/login/totp", 11) == 0) {
		hresp_free(&r);
		http_get(a, "/login/totp", &r);
		expect_status(&r, 200);
		hresp_free(&r);
		totp_wait_fresh(u);
		char code[7], fields[64];
		u->totp_last_step = totp_step_now();
		totp_code(u, u->totp_last_step, code);
		snprintf(fields, sizeof fields, "code=%s", code);
		http_post_form(a, "/login/totp", fields, &r);
		if (r.status != 303)
			fail_msg("TOTP code refused for %s (%ld):\n%.600s", u->email, r.status,
			         r.body);
	}
	hresp_free(&r);
	http_get(a, "/", &r);
	if (r.status == 303 && strncmp(r.location, "/account/totp", 13) == 0) {
		hresp_free(&r);
		totp_enrol(a, u);
		http_get(a, "/", &r);
	}
	expect_status(&r, 200);
	hresp_free(&r);
}

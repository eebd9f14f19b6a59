/* fuzz_config.c: libFuzzer target for the INI configuration parser
 * (config_parse_string over inih). Whatever the text, the parser must
 * return 0 or an error with a message, and leave every string field
 * NUL-terminated within its buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *field, size_t size)
{
	if (!memchr(field, '\0', size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	config c;
	char err[256] = "";
	config_defaults(&c);
	int rc = config_parse_string(&c, text, err, sizeof err);
	if (rc != 0 && !*err)
		abort();
	check_terminated(c.db, sizeof c.db);
	check_terminated(c.listen, sizeof c.listen);
	check_terminated(c.program_name, sizeof c.program_name);
	check_terminated(c.timezone, sizeof c.timezone);
	check_terminated(c.secret_key_file, sizeof c.secret_key_file);
	check_terminated(c.totp_required_roles, sizeof c.totp_required_roles);
	if (rc == 0 && (c.session_idle_minutes < 1 || c.threads < 0 || c.max_body_bytes < 1024))
		abort();
	free(text);
	return 0;
}

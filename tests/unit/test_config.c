/* test_config.c: the INI configuration: defaults, every section, and the
 * errors that name file:line for unknown keys, repeats and bad values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/config.h"
#include "base/errors.h"

static void test_defaults(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	assert_string_equal(c.db, "var/citkit.db");
	assert_string_equal(c.sqlite_synchronous, "FULL");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.threads, 0);
	assert_int_equal(c.max_body_bytes, 1 << 20);
	assert_int_equal(c.max_upload_bytes, 8 << 20);
	assert_string_equal(c.program_name, "Pine Belt Regional CIT");
	assert_string_equal(c.timezone, "America/Chicago");
	assert_string_equal(c.secret_key_file, "");
	assert_int_equal(c.session_idle_minutes, 30);
	assert_int_equal(c.session_absolute_hours, 12);
	assert_int_equal(c.lockout_failures, 5);
	assert_int_equal(c.lockout_window_minutes, 15);
	assert_string_equal(c.totp_required_roles, "admin,coordinator");
}

static void test_every_section(void **state)
{
	(void)state;
	config c;
	char err[256] = "";
	config_defaults(&c);
	const char *text = "; a comment\n"
	                   "# another\n"
	                   "[database]\n"
	                   "url = postgres://citkit@localhost/citkit\n"
	                   "sqlite_synchronous = normal\n"
	                   "[server]\n"
	                   "listen = [::1]:0\n"
	                   "threads = 4\n"
	                   "tls_cert = /etc/citkit/cert.pem\n"
	                   "tls_key = /etc/citkit/key.pem\n"
	                   "max_body_bytes = 2048\n"
	                   "max_upload_bytes = 4096\n"
	                   "[program]\n"
	                   "name = Magnolia County CIT\n"
	                   "timezone = UTC\n"
	                   "public_url = https://cit.example.org\n"
	                   "[security]\n"
	                   "secret_key_file = /etc/citkit/secret.key\n"
	                   "session_idle_minutes = 20\n"
	                   "session_absolute_hours = 8\n"
	                   "lockout_failures = 3\n"
	                   "lockout_window_minutes = 10\n"
	                   "totp_required_roles = admin, coordinator, supervisor\n";
	assert_int_equal(config_parse_string(&c, text, err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.db, "postgres://citkit@localhost/citkit");
	assert_string_equal(c.sqlite_synchronous, "NORMAL");
	assert_string_equal(c.listen, "[::1]:0");
	assert_int_equal(c.threads, 4);
	assert_string_equal(c.tls_cert, "/etc/citkit/cert.pem");
	assert_string_equal(c.tls_key, "/etc/citkit/key.pem");
	assert_int_equal(c.max_body_bytes, 2048);
	assert_int_equal(c.max_upload_bytes, 4096);
	assert_string_equal(c.program_name, "Magnolia County CIT");
	assert_string_equal(c.timezone, "UTC");
	assert_string_equal(c.public_url, "https://cit.example.org");
	assert_string_equal(c.secret_key_file, "/etc/citkit/secret.key");
	assert_int_equal(c.session_idle_minutes, 20);
	assert_int_equal(c.session_absolute_hours, 8);
	assert_int_equal(c.lockout_failures, 3);
	assert_int_equal(c.lockout_window_minutes, 10);
	assert_string_equal(c.totp_required_roles, "admin, coordinator, supervisor");
}

static void test_partial_keeps_defaults(void **state)
{
	(void)state;
	config c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(config_parse_string(&c, "[program]\nname = Delta CIT\n", err, sizeof err),
	                 0);
	assert_string_equal(c.program_name, "Delta CIT");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.session_idle_minutes, 30);
	/* An empty file is a valid file. */
	config_defaults(&c);
	assert_int_equal(config_parse_string(&c, "", err, sizeof err), 0);
	assert_string_equal(c.db, "var/citkit.db");
	/* No role needs TOTP when the list is empty. */
	assert_int_equal(
	    config_parse_string(&c, "[security]\ntotp_required_roles =\n", err, sizeof err), 0);
	assert_string_equal(c.totp_required_roles, "");
}

/* Each bad text must fail with CK_E_INVALID and an error that starts with
 * "config:LINE: " and mentions the given words. */
static void expect_error(const char *text, const char *where, const char *words)
{
	config c;
	char err[256] = "";
	config_defaults(&c);
	int rc = config_parse_string(&c, text, err, sizeof err);
	if (rc != CK_E_INVALID || strncmp(err, where, strlen(where)) || !strstr(err, words))
		fail_msg("text %s: rc %d, error \"%s\", wanted \"%s…%s\"", text, rc, err, where,
		         words);
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	expect_error("[server]\nlisten = 127.0.0.1:80\nport = 80\n",
	             "config:3: ", "unknown key \"port\" in [server]");
	expect_error("\n\n[web]\nlisten = x:1\n", "config:4: ", "unknown section [web]");
	expect_error("name = x\n", "config:1: ", "outside any [section]");
	expect_error("[program]\nname = a\nname = b\n", "config:3: ", "set twice");
	expect_error("[server]\nthreads = many\n", "config:2: ", "whole number");
	expect_error("[server]\nthreads = 257\n", "config:2: ", "between 0 and 256");
	expect_error("[server]\nthreads = -1\n", "config:2: ", "between 0 and 256");
	expect_error("[server]\nthreads = 99999999999999999999\n", "config:2: ", "whole number");
	expect_error("[server]\nmax_body_bytes = 10\n", "config:2: ", "between 1024");
	expect_error("[security]\nsession_idle_minutes = 0\n", "config:2: ", "between 1 and 1440");
	expect_error("[security]\nlockout_failures = 1000\n", "config:2: ", "between 1 and 100");
	expect_error("[security]\ntotp_required_roles = admin,wizard\n",
	             "config:2: ", "role names");
	expect_error("[database]\nsqlite_synchronous = OFF\n", "config:2: ", "FULL or NORMAL");
	expect_error("[server]\nlisten = localhost\n", "config:2: ", "ADDRESS:PORT");
	expect_error("[server]\nlisten = localhost:70000\n", "config:2: ", "ADDRESS:PORT");
	expect_error("[program]\ntimezone = ../../etc/passwd\n", "config:2: ", "time zone");
	expect_error("[program]\nname = a\n  continued\n", "config:3: ", "expected");
	expect_error("[program\nname = a\n", "config:1: ", "expected");
	expect_error("[server]\ntls_cert = /a.pem\n", "config: ", "tls_cert and tls_key");
	expect_error("[database]\nurl =\n", "config: ", "must not be empty");
}

static void test_listen_addresses(void **state)
{
	(void)state;
	assert_true(config_is_listen_address("127.0.0.1:8080"));
	assert_true(config_is_listen_address("localhost:0"));
	assert_true(config_is_listen_address("[::1]:443"));
	assert_false(config_is_listen_address("[::1]"));
	assert_false(config_is_listen_address(":80"));
	assert_false(config_is_listen_address("host:"));
	assert_false(config_is_listen_address("host:65536"));
	assert_false(config_is_listen_address("host:8o"));
}

static void test_long_values(void **state)
{
	(void)state;
	config c;
	char err[256];
	/* A value longer than inih's default 200-byte line is read whole. */
	char text[2048];
	char name[300];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	snprintf(text, sizeof text, "[program]\nname = %s\n", name);
	config_defaults(&c);
	assert_int_equal(config_parse_string(&c, text, err, sizeof err), CK_E_INVALID);
	assert_non_null(strstr(err, "too long"));
	snprintf(text, sizeof text, "[program]\npublic_url = https://%s\n", name);
	config_defaults(&c);
	assert_int_equal(config_parse_string(&c, text, err, sizeof err), 0);
	assert_int_equal(strlen(c.public_url), strlen(name) + 8);
}

static void test_load_file(void **state)
{
	(void)state;
	char path[] = "/tmp/citkit-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "[program]\nname = File CIT\n[server]\nbogus = 1\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	config c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof err), CK_E_INVALID);
	char want[512];
	snprintf(want, sizeof want, "%s:4: unknown key \"bogus\" in [server]", path);
	assert_string_equal(err, want);
	unlink(path);
	assert_int_equal(config_load(&c, path, err, sizeof err), CK_E_IO);
	assert_non_null(strstr(err, path));
	/* A folder is not a config file, not an empty one. */
	assert_int_equal(config_load(&c, "/tmp", err, sizeof err), CK_E_IO);
	assert_string_equal(err, "/tmp: not a regular file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_section),
	    cmocka_unit_test(test_partial_keeps_defaults),
	    cmocka_unit_test(test_errors_name_the_line),
	    cmocka_unit_test(test_listen_addresses),
	    cmocka_unit_test(test_long_values),
	    cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

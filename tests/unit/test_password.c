/* test_password.c: the password rules and the reasons they give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth/password.h"
#include "base/arena.h"

static arena *a;

static int setup(void **state)
{
	(void)state;
	a = arena_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

static const char *check(const char *pw)
{
	return password_check(a, pw, "jordan.mills@pinebelt.example", "Jordan Mills");
}

static void expect(const char *pw, const char *reason_part)
{
	const char *why = check(pw);
	if (!why)
		fail_msg("\"%s\" was accepted; expected \"%s\"", pw, reason_part);
	if (!strstr(why, reason_part))
		fail_msg("\"%s\": got \"%s\"; expected \"%s\"", pw, why, reason_part);
}

static void length_counts_characters(void **state)
{
	(void)state;
	expect("", "required");
	expect("short pass1", "at least 12 characters"); /* 11 */
	assert_null(check("bright violet kettle"));
	/* 12 characters of two bytes each: 24 bytes, still 12 characters. */
	assert_null(check("ñüéßøåñüéßøå"));
	expect("ñüéßøåñüéßø", "at least 12"); /* 11 characters, 22 bytes */
	char long_pw[200];
	memset(long_pw, 0, sizeof long_pw);
	for (size_t i = 0; i < 129; i++)
		long_pw[i] = "quietmaplerivercopper"[i % 21];
	expect(long_pw, "at most 128");
	long_pw[128] = '\0';
	assert_null(check(long_pw));
}

static void no_composition_rules(void **state)
{
	(void)state;
	/* All lower-case letters and spaces, no digits or symbols: fine. */
	assert_null(check("correct horse battery staple"));
	assert_null(check("lanterns drift over quiet water"));
	/* A long random-looking one. */
	assert_null(check("xK9#mQ2$vL7pR4wz"));
}

static void common_passwords_are_refused(void **state)
{
	(void)state;
	expect("passwordpassword", "common password");
	expect("password1234", "common password");
	expect("Welcome2024!!", "common password");
	expect("monkeymonkey12", "common password");
	expect("iloveyouiloveyou", "common password");
	expect("administrator1", "common password or a dictionary word");
}

static void guessable_patterns_are_refused(void **state)
{
	(void)state;
	expect("aaaaaaaaaaaaaaaa", "too few different characters");
	expect("abcabcabcabcabc", "too few different characters");
	expect("12345678901234", "too simple");
	expect("abcdefghijklmnop", "too simple");
}

static void own_name_and_email_are_refused(void **state)
{
	(void)state;
	expect("my name is jordan and more", "contains your email");
	expect("mills family forever 77", "contains your email");
	/* The name part when the email does not share it. */
	const char *why = password_check(a, "zanzibar nightfall grove", "j.m@pinebelt.example",
	                                 "Zanzibar Okafor");
	assert_non_null(why);
	assert_string_equal(why, "contains your name");
	/* No email or name given: nothing to compare with. */
	assert_null(password_check(a, "zanzibar nightfall grove", NULL, NULL));
}

static void invalid_utf8_is_refused(void **state)
{
	(void)state;
	expect("abcdefgh\xff\xfeijklmnop", "UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(length_counts_characters),
	    cmocka_unit_test(no_composition_rules),
	    cmocka_unit_test(common_passwords_are_refused),
	    cmocka_unit_test(guessable_patterns_are_refused),
	    cmocka_unit_test(own_name_and_email_are_refused),
	    cmocka_unit_test(invalid_utf8_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

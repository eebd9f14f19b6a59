/* password.c: the password rules. Length is counted in characters; there
 * are no composition rules (ASVS 2.1.9); guessable passwords are refused
 * with the reason in words.
 *
 * Guessability comes from cracklib's FascistCheck with the system
 * dictionary. Every verdict it gives is honoured: none of them is a
 * composition rule; each says the password is guessable (a dictionary
 * word, too few different characters, a keyboard or alphabet run, an ID
 * number pattern). Its length rule (6) never fires: ours is stricter.
 * Long passphrases pass as long as they are not one of those.
 *
 * cracklib on its own accepts "password1234", "Welcome2024!!" and
 * "monkeymonkey": it only strips a little from the end. So the password's
 * core (lower-cased, digits and symbols trimmed from both ends, a repeated
 * unit reduced to one copy) is also looked up, and refused when it is a
 * dictionary word: adding "2024!!" to "welcome" does not make it safe. */
#include "password.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <crack.h>

#include "../base/log.h"
#include "../base/validate.h"

enum { NAME_PART_MIN = 4, CORE_MIN = 4 };

/* cracklib keeps static buffers (its word mangler): one caller at a time. */
static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static char *lower_copy(arena *a, const char *s)
{
	char *out = arena_strdup(a, s);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* True when a part of at least NAME_PART_MIN bytes of `who`, split at
 * any of seps, occurs in pw (both lower-cased). */
static bool contains_part(arena *a, const char *pw, const char *who, const char *seps)
{
	char *w = lower_copy(a, who);
	if (strlen(w) >= NAME_PART_MIN && strstr(pw, w))
		return true;
	for (char *save = NULL, *part = strtok_r(w, seps, &save); part;
	     part = strtok_r(NULL, seps, &save))
		if (strlen(part) >= NAME_PART_MIN && strstr(pw, part))
			return true;
	return false;
}

/* Debian's FascistCheck ends the process when the dictionary is missing
 * (Debian #682735), so look for it first and fail closed. */
static bool dictionary_present(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s.pwd", GetDefaultCracklibDict());
	return access(path, R_OK) == 0;
}

static const char *crack_verdict(const char *pw)
{
	pthread_mutex_lock(&crack_lock);
	const char *v = FascistCheck(pw, GetDefaultCracklibDict());
	pthread_mutex_unlock(&crack_lock);
	return v;
}

/* Our words for cracklib's verdicts (its own are written for a shell). */
static const char *reason_for(const char *verdict)
{
	if (strstr(verdict, "dictionary"))
		return "is a common password or a dictionary word";
	if (strstr(verdict, "DIFFERENT"))
		return "uses too few different characters";
	if (strstr(verdict, "simplistic") || strstr(verdict, "systematic"))
		return "is too simple: it follows a run of letters, digits or keys";
	if (strstr(verdict, "whitespace"))
		return "is only spaces";
	if (strstr(verdict, "Insurance"))
		return "looks like an identity number";
	if (strstr(verdict, "username") || strstr(verdict, "gecos"))
		return "contains your name";
	return "is too easy to guess";
}

/* The lower-cased password without leading and trailing non-letters,
 * reduced to one copy of a repeated unit ("monkeymonkey" → "monkey"). */
static const char *core_of(arena *a, const char *pw)
{
	char *s = lower_copy(a, pw);
	while (*s && !isalpha((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && !isalpha((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
	for (size_t unit = 1; unit <= n / 2; unit++) {
		if (n % unit)
			continue;
		bool repeats = true;
		for (size_t i = unit; i < n && repeats; i++)
			repeats = s[i] == s[i - unit];
		if (repeats) {
			s[unit] = '\0';
			break;
		}
	}
	return s;
}

const char *password_check(arena *a, const char *password, const char *email, const char *name)
{
	if (!password || !*password)
		return "is required";
	if (!validate_utf8(password, strlen(password)))
		return "is not valid UTF-8 text";
	size_t chars = utf8_chars(password);
	if (chars < PASSWORD_MIN_CHARS)
		return "must be at least 12 characters";
	if (chars > PASSWORD_MAX_CHARS)
		return "must be at most 128 characters";

	const char *pw = lower_copy(a, password);
	if (email && *email) {
		const char *at = strchr(email, '@');
		const char *local = at ? arena_strndup(a, email, (size_t)(at - email)) : email;
		if (contains_part(a, pw, local, "._-+"))
			return "contains your email address";
	}
	if (name && *name && contains_part(a, pw, name, " -'.,"))
		return "contains your name";

	if (!dictionary_present()) {
		log_error("cracklib dictionary %s is missing: refusing passwords until "
		          "cracklib-runtime is installed",
		          GetDefaultCracklibDict());
		return "cannot be checked now (the common-password list is not installed)";
	}
	const char *verdict = crack_verdict(password);
	if (verdict)
		return reason_for(verdict);
	const char *core = core_of(a, password);
	if (strlen(core) >= CORE_MIN && strcmp(core, pw) != 0) {
		verdict = crack_verdict(core);
		if (verdict && strstr(verdict, "dictionary"))
			return "is a common password with only digits, symbols or repeats added";
	}
	return NULL;
}

/* test_crypto.c: the libsodium wrappers against published test vectors
 * (FIPS 180-2, RFC 4231, RFC 4648) and their contracts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/crypto.h"
#include "base/errors.h"

static int setup(void **state)
{
	(void)state;
	return crypto_init() ? 0 : -1;
}

static void tokens_are_256_bit_base64url(void **state)
{
	(void)state;
	char a[CRYPTO_TOKEN_LEN], b[CRYPTO_TOKEN_LEN];
	crypto_random_token(a);
	crypto_random_token(b);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(
	    strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(a, b);
}

static void sha256_vector(void **state)
{
	(void)state;
	char hex[CRYPTO_HASH_HEX];
	crypto_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void hmac_vector(void **state)
{
	(void)state;
	char hex[CRYPTO_HASH_HEX];
	const char *data = "what do ya want for nothing?";
	crypto_hmac_hex("Jefe", 4, data, strlen(data), hex);
	assert_string_equal(hex,
	                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void password_hash_round_trip(void **state)
{
	(void)state;
	char h1[CRYPTO_PWHASH_LEN], h2[CRYPTO_PWHASH_LEN];
	assert_int_equal(crypto_password_hash("river otter lantern", h1), 0);
	assert_int_equal(crypto_password_hash("river otter lantern", h2), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_string_not_equal(h1, h2); /* salted */
	assert_true(crypto_password_verify(h1, "river otter lantern"));
	assert_false(crypto_password_verify(h1, "river otter lanterns"));
	assert_false(crypto_password_verify(NULL, "x"));
	assert_false(crypto_password_verify("not a hash", "x"));
}

static void equal_compares_whole_strings(void **state)
{
	(void)state;
	assert_true(crypto_equal("abc", "abc"));
	assert_false(crypto_equal("abc", "abd"));
	assert_false(crypto_equal("abc", "abcd"));
	assert_false(crypto_equal(NULL, "abc"));
}

static void base32_vectors(void **state)
{
	(void)state;
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {"",        "MY",       "MZXQ",      "MZXW6",
	                                  "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
	char buf[32];
	for (size_t i = 0; i < 7; i++) {
		crypto_base32(in[i], strlen(in[i]), buf, sizeof buf);
		assert_string_equal(buf, out[i]);
	}
	/* A short buffer is cut, never overrun. */
	crypto_base32("foobar", 6, buf, 4);
	assert_string_equal(buf, "MZX");
}

static void seal_and_open(void **state)
{
	(void)state;
	unsigned char master[CRYPTO_KEY_BYTES], k1[CRYPTO_KEY_BYTES], k2[CRYPTO_KEY_BYTES];
	memset(master, 7, sizeof master);
	crypto_derive_key(master, "totp secrets", k1);
	crypto_derive_key(master, "narratives", k2);
	assert_memory_not_equal(k1, k2, sizeof k1);
	char sealed[128], again[128], out[64];
	assert_true(crypto_sealed_len(32) < sizeof sealed);
	assert_int_equal(crypto_seal(k1, "user:1", "JBSWY3DPEHPK3PXP", sealed, sizeof sealed), 0);
	assert_int_equal(crypto_seal(k1, "user:1", "JBSWY3DPEHPK3PXP", again, sizeof again), 0);
	assert_string_not_equal(sealed, again); /* a fresh nonce each time */
	assert_null(strstr(sealed, "JBSWY3DP"));
	assert_int_equal(crypto_open(k1, "user:1", sealed, out, sizeof out), 0);
	assert_string_equal(out, "JBSWY3DPEHPK3PXP");
	/* Another key, another row, a changed byte, garbage: refused. */
	assert_int_equal(crypto_open(k2, "user:1", sealed, out, sizeof out), CK_E_INVALID);
	assert_int_equal(crypto_open(k1, "user:2", sealed, out, sizeof out), CK_E_INVALID);
	sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
	assert_int_equal(crypto_open(k1, "user:1", sealed, out, sizeof out), CK_E_INVALID);
	assert_int_equal(crypto_open(k1, "user:1", "!!", out, sizeof out), CK_E_INVALID);
	assert_int_equal(crypto_open(k1, "user:1", again, out, 8), CK_E_TOO_LARGE);
	assert_int_equal(crypto_seal(k1, NULL, "x", sealed, 4), CK_E_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tokens_are_256_bit_base64url),
	    cmocka_unit_test(sha256_vector),
	    cmocka_unit_test(hmac_vector),
	    cmocka_unit_test(password_hash_round_trip),
	    cmocka_unit_test(equal_compares_whole_strings),
	    cmocka_unit_test(base32_vectors),
	    cmocka_unit_test(seal_and_open),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

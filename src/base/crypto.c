/* crypto.c: citkit's few cryptographic primitives, each a thin wrapper
 * over libsodium so that no algorithm is written by hand here. */
#include "crypto.h"

#include <sodium.h>
#include <string.h>

#include "errors.h"

bool crypto_init(void)
{
	/* 0 = initialised now, 1 = already initialised: both fine. */
	return sodium_init() >= 0;
}

void crypto_random_bytes(void *out, size_t n)
{
	randombytes_buf(out, n);
}

void crypto_random_token(char out[CRYPTO_TOKEN_LEN])
{
	unsigned char raw[CRYPTO_TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, CRYPTO_TOKEN_LEN, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void crypto_sha256_hex(const void *data, size_t n, char out[CRYPTO_HASH_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, data, n);
	sodium_bin2hex(out, CRYPTO_HASH_HEX, digest, sizeof digest);
}

void crypto_hmac_hex(const void *key, size_t key_len, const void *data, size_t n,
                     char out[CRYPTO_HASH_HEX])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, data, n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, CRYPTO_HASH_HEX, mac, sizeof mac);
	sodium_memzero(&st, sizeof st);
}

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN])
{
	/* The interactive limits (64 MiB, 2 passes) keep a login well under a
	 * second while costing an attacker the same per guess. */
	if (crypto_pwhash_str_alg(
	        out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	        crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return CK_E_INTERNAL;
	return 0;
}

bool crypto_password_verify(const char *hash, const char *password)
{
	if (!hash || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool crypto_equal(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

void crypto_base32(const void *data, size_t n, char *out, size_t out_len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	const unsigned char *p = data;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	if (out_len == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5 && o + 1 < out_len) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 31];
		}
	}
	if (bits > 0 && o + 1 < out_len)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

void crypto_derive_key(const unsigned char master[CRYPTO_KEY_BYTES], const char *context,
                       unsigned char out[CRYPTO_KEY_BYTES])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, master, CRYPTO_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)context, strlen(context));
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

enum {
	SEAL_NONCE = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	SEAL_TAG = crypto_aead_xchacha20poly1305_ietf_ABYTES,
	SEAL_MAX_PLAIN = 4096, /* what this is for: short secrets, not files */
};

size_t crypto_sealed_len(size_t plain_len)
{
	return sodium_base64_ENCODED_LEN(SEAL_NONCE + plain_len + SEAL_TAG,
	                                 sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int crypto_seal(const unsigned char key[CRYPTO_KEY_BYTES], const char *ad, const char *plain,
                char *out, size_t out_len)
{
	size_t n = strlen(plain);
	unsigned char raw[SEAL_NONCE + SEAL_MAX_PLAIN + SEAL_TAG];
	unsigned long long clen = 0;
	if (n > SEAL_MAX_PLAIN || out_len < crypto_sealed_len(n))
		return CK_E_INTERNAL;
	randombytes_buf(raw, SEAL_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	    raw + SEAL_NONCE, &clen, (const unsigned char *)plain, n, (const unsigned char *)ad,
	    ad ? strlen(ad) : 0, NULL, raw, key);
	sodium_bin2base64(out, out_len, raw, SEAL_NONCE + (size_t)clen,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int crypto_open(const unsigned char key[CRYPTO_KEY_BYTES], const char *ad, const char *sealed,
                char *out, size_t out_len)
{
	unsigned char raw[SEAL_NONCE + SEAL_MAX_PLAIN + SEAL_TAG];
	size_t len = 0;
	unsigned long long plen = 0;
	if (!sealed ||
	    sodium_base642bin(raw, sizeof raw, sealed, strlen(sealed), NULL, &len, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len < SEAL_NONCE + SEAL_TAG)
		return CK_E_INVALID;
	if (out_len < len - SEAL_NONCE - SEAL_TAG + 1)
		return CK_E_TOO_LARGE;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	        (unsigned char *)out, &plen, NULL, raw + SEAL_NONCE, len - SEAL_NONCE,
	        (const unsigned char *)ad, ad ? strlen(ad) : 0, raw, key) != 0)
		return CK_E_INVALID;
	out[plen] = '\0';
	return 0;
}

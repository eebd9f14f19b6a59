/* crypto.h: the few primitives citkit needs, all from libsodium. */
#ifndef CITKIT_CRYPTO_H
#define CITKIT_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Once at start; false if libsodium cannot initialise. */
bool crypto_init(void);

enum {
	CRYPTO_TOKEN_BYTES = 32, /* 256 random bits */
	CRYPTO_TOKEN_LEN = 44,   /* base64url without padding, + NUL */
	CRYPTO_HASH_HEX = 65,    /* 32-byte digest as hex, + NUL */
	CRYPTO_PWHASH_LEN = 128, /* Argon2id encoded string (crypto_pwhash_STRBYTES) */
};

/* A fresh random token, base64url (43 characters). */
void crypto_random_token(char out[CRYPTO_TOKEN_LEN]);
void crypto_random_bytes(void *out, size_t n);
/* Hex SHA-256 of data: how tokens and session ids are stored, so a copy of
 * the database does not hand out live sessions. */
void crypto_sha256_hex(const void *data, size_t n, char out[CRYPTO_HASH_HEX]);
/* Hex HMAC-SHA-256 under key. */
void crypto_hmac_hex(const void *key, size_t key_len, const void *data, size_t n,
                     char out[CRYPTO_HASH_HEX]);
/* Argon2id (interactive limits); 0 or CK_E_INTERNAL. */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN]);
bool crypto_password_verify(const char *hash, const char *password);
/* Constant-time comparison of two equal-length strings. */
bool crypto_equal(const char *a, const char *b);
/* A 32-byte key for one purpose (context, e.g. "totp secrets") from a
 * 32-byte master secret: HMAC-SHA-256(master, context). */
enum { CRYPTO_KEY_BYTES = 32 };
void crypto_derive_key(const unsigned char master[CRYPTO_KEY_BYTES], const char *context,
                       unsigned char out[CRYPTO_KEY_BYTES]);
/* Authenticated encryption (XChaCha20-Poly1305) of the text plain, bound
 * to ad (e.g. the row's id: a sealed value copied to another row does not
 * open). out gets base64url text; out_len must be at least
 * crypto_sealed_len(strlen(plain)). 0 or CK_E_INTERNAL. */
size_t crypto_sealed_len(size_t plain_len);
int crypto_seal(const unsigned char key[CRYPTO_KEY_BYTES], const char *ad, const char *plain,
                char *out, size_t out_len);
/* The text inside sealed, into out (out_len > the text's length).
 * CK_E_INVALID when sealed was changed, made with another key or ad, or
 * is not a sealed value; CK_E_TOO_LARGE when out is too small. */
int crypto_open(const unsigned char key[CRYPTO_KEY_BYTES], const char *ad, const char *sealed,
                char *out, size_t out_len);
/* Base32 (RFC 4648, no padding) of n bytes, for TOTP secrets. */
void crypto_base32(const void *data, size_t n, char *out, size_t out_len);

#endif

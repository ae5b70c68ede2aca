/* Weak hashes, broken ciphers and predictable random numbers (c-weak-hash, c-broken-cipher, c-weak-prng). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/random.h>

int fingerprint_capi(HCRYPTPROV prov, const BYTE *data, DWORD len, HCRYPTHASH *hash)
{
    // ruleid: c-weak-hash
    if (!CryptCreateHash(prov, CALG_MD5, 0, 0, hash))
        return -1;
    return CryptHashData(*hash, data, len, 0) ? 0 : -1;
}

int fingerprint_capi_strong(HCRYPTPROV prov, const BYTE *data, DWORD len, HCRYPTHASH *hash)
{
    // ok: c-weak-hash
    if (!CryptCreateHash(prov, CALG_SHA_256, 0, 0, hash))
        return -1;
    return CryptHashData(*hash, data, len, 0) ? 0 : -1;
}

void fingerprint_openssl(const unsigned char *data, size_t len, unsigned char *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    // ruleid: c-weak-hash
    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
    EVP_DigestUpdate(ctx, data, len);
    EVP_DigestFinal_ex(ctx, out, NULL);
    EVP_MD_CTX_free(ctx);
    // ruleid: c-weak-hash
    MD5(data, len, out);
}

void fingerprint_openssl_strong(const unsigned char *data, size_t len, unsigned char *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    // ok: c-weak-hash
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, data, len);
    EVP_DigestFinal_ex(ctx, out, NULL);
    EVP_MD_CTX_free(ctx);
    // ok: c-weak-hash
    SHA256(data, len, out);
}

int session_key(HCRYPTPROV prov, HCRYPTHASH hash, HCRYPTKEY *key)
{
    // ruleid: c-broken-cipher
    return CryptDeriveKey(prov, CALG_RC4, hash, 0, key) ? 0 : -1;
}

int session_key_aes(HCRYPTPROV prov, HCRYPTHASH hash, HCRYPTKEY *key)
{
    // ok: c-broken-cipher
    return CryptDeriveKey(prov, CALG_AES_256, hash, 0, key) ? 0 : -1;
}

int seal(EVP_CIPHER_CTX *ctx, const unsigned char *key, const unsigned char *iv)
{
    // ruleid: c-broken-cipher
    if (EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv) != 1)
        return -1;
    // ruleid: c-broken-cipher
    return EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL);
}

int seal_gcm(EVP_CIPHER_CTX *ctx, const unsigned char *key, const unsigned char *iv)
{
    // ok: c-broken-cipher
    return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv);
}

unsigned int reset_token(void)
{
    // ruleid: c-weak-prng
    return (unsigned int)rand();
}

long session_id(void)
{
    // ruleid: c-weak-prng
    return random();
}

int reset_token_secure(unsigned int *token)
{
    // ok: c-weak-prng
    if (getrandom(token, sizeof(*token), 0) != sizeof(*token))
        return -1;
    // ok: c-weak-prng
    return RAND_bytes((unsigned char *)token, sizeof(*token)) == 1 ? 0 : -1;
}

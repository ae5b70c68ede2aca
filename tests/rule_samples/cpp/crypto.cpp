// The C rules on cryptography (c-weak-hash, c-broken-cipher, c-weak-prng) in C++ code.
#include <cstdlib>
#include <string>
#include <vector>
#include <openssl/evp.h>
#include <openssl/rand.h>

class Digest
{
public:
    explicit Digest(bool legacy);
    ~Digest();

private:
    EVP_MD_CTX *ctx_;
};

Digest::Digest(bool legacy) : ctx_(EVP_MD_CTX_new())
{
    // ruleid: c-weak-hash
    const EVP_MD *md = legacy ? EVP_md5() : EVP_sha256();
    EVP_DigestInit_ex(ctx_, md, nullptr);
}

Digest::~Digest()
{
    EVP_MD_CTX_free(ctx_);
}

const EVP_MD *strongDigest()
{
    // ok: c-weak-hash
    return EVP_sha256();
}

bool seal(EVP_CIPHER_CTX *ctx, const std::vector<unsigned char> &key, const unsigned char *iv)
{
    // ruleid: c-broken-cipher
    return EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), nullptr, key.data(), iv) == 1;
}

bool sealAuthenticated(EVP_CIPHER_CTX *ctx, const std::vector<unsigned char> &key, const unsigned char *iv)
{
    // ok: c-broken-cipher
    return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key.data(), iv) == 1;
}

std::string sessionToken()
{
    std::string token;
    for (int i = 0; i < 16; ++i)
        // ruleid: c-weak-prng
        token += "0123456789abcdef"[rand() % 16];
    return token;
}

int rollDice()
{
    // ruleid: c-weak-prng
    return std::rand() % 6 + 1;
}

std::string sessionTokenFromTheSystem()
{
    unsigned char bytes[16];
    // ok: c-weak-prng
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return {};
    return std::string(reinterpret_cast<char *>(bytes), sizeof bytes);
}

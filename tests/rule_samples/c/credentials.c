/* A password or key written into the program (c-hardcoded-credential). */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>
#include <mysql/mysql.h>
#include <openssl/evp.h>

#define ADMIN_PASSWORD "s3cr3t!"

int connect_db(MYSQL *db)
{
    // ruleid: c-hardcoded-credential
    return mysql_real_connect(db, "localhost", "app", "hunter2", "shop", 0, NULL, 0) ? 0 : -1;
}

int login_admin(void)
{
    HANDLE token;
    char password[64] = "";
    strcpy(password, ADMIN_PASSWORD);
    // ruleid: c-hardcoded-credential
    return LogonUserA("admin", "CORP", password, LOGON32_LOGON_NETWORK, LOGON32_PROVIDER_DEFAULT, &token);
}

int login_user(void)
{
    HANDLE token;
    char password[64] = "";
    if (fgets(password, sizeof(password), stdin) == NULL)
        return 0;
    password[strcspn(password, "\n")] = '\0';
    // ok: c-hardcoded-credential
    return LogonUserA("admin", "CORP", password, LOGON32_LOGON_NETWORK, LOGON32_PROVIDER_DEFAULT, &token);
}

int derive_key(HCRYPTHASH hash)
{
    const char *key = "0123456789abcdef";
    // ruleid: c-hardcoded-credential
    return CryptHashData(hash, (BYTE *)key, (DWORD)strlen(key), 0);
}

int seal(EVP_CIPHER_CTX *ctx, const unsigned char *key, const unsigned char *iv)
{
    static const unsigned char fixed_key[] = "0123456789abcdef0123456789abcdef";
    // ok: c-hardcoded-credential
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv) != 1)
        return -1;
    // ruleid: c-hardcoded-credential
    return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, fixed_key, iv);
}

int connect_db_from_env(MYSQL *db, const char *password)
{
    // ok: c-hardcoded-credential
    return mysql_real_connect(db, "localhost", "app", password, "shop", 0, NULL, 0) ? 0 : -1;
}

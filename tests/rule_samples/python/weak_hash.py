import hashlib
import os

from Crypto.Hash import MD5
from cryptography.hazmat.primitives import hashes


def sign_payload(secret: bytes, body: bytes) -> str:
    # ruleid: python-weak-hash
    return hashlib.md5(secret + body).hexdigest()


def file_fingerprint(path: str) -> str:
    # ruleid: python-weak-hash
    digest = hashlib.new("sha1")
    with open(path, "rb") as fh:
        digest.update(fh.read())
    return digest.hexdigest()


def legacy_mac(key: bytes, data: bytes) -> bytes:
    # ruleid: python-weak-hash
    h = MD5.new(key + data)
    # ruleid: python-weak-hash
    alt = hashes.Hash(hashes.SHA1())
    return h.digest()


def cache_key(url: str) -> str:
    # ok: python-weak-hash
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def checksum(data: bytes) -> str:
    # ok: python-weak-hash
    return hashlib.sha256(data).hexdigest()


def store_user(db, username: str, password: str):
    # ruleid: python-password-fast-hash
    pw_hash = hashlib.sha256(password.encode()).hexdigest()
    db.insert(username=username, pw_hash=pw_hash)


def check_login(user, form):
    hasher = hashlib.sha512()
    hasher.update(user.salt)
    # ruleid: python-password-fast-hash
    hasher.update(form.password.encode("utf-8"))
    return hasher.hexdigest() == user.pw_hash


def hash_password(password: str) -> bytes:
    salt = os.urandom(16)
    # ok: python-password-fast-hash
    key = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    # ok: python-password-fast-hash
    fingerprint = hashlib.sha256(salt).hexdigest()
    return salt + key


def make_etag(body: bytes) -> str:
    # ok: python-weak-hash
    return '"%s"' % hashlib.sha1(body).hexdigest()


def store_thumbnail(cache, url: str, data: bytes):
    # ok: python-weak-hash
    cache_key = "thumb:" + hashlib.md5(url.encode()).hexdigest()
    cache.set(cache_key, data)


def rsa_decrypt(private_key, ciphertext: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric import padding

    # ok: python-weak-hash
    return private_key.decrypt(ciphertext, padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None))

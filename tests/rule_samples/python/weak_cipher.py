import os

from Crypto.Cipher import AES, ARC4, DES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def encrypt_card(key: bytes, pan: bytes) -> bytes:
    # ruleid: python-broken-cipher
    cipher = DES.new(key[:8], DES.MODE_CBC, iv=os.urandom(8))
    return cipher.encrypt(pan.ljust(16, b"\0"))


def obfuscate_token(key: bytes, token: bytes) -> bytes:
    # ruleid: python-broken-cipher
    return ARC4.new(key).encrypt(token)


def legacy_encrypt(key: bytes, data: bytes) -> bytes:
    # ruleid: python-broken-cipher
    encryptor = Cipher(algorithms.TripleDES(key), modes.CBC(os.urandom(8))).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def encrypt_record(key: bytes, record: bytes) -> bytes:
    # ruleid: python-cipher-ecb-mode
    cipher = AES.new(key, AES.MODE_ECB)
    # ok: python-cipher-ecb-mode
    gcm = AES.new(key, AES.MODE_GCM)
    return cipher.encrypt(record) + gcm.nonce


def encrypt_blob(key: bytes, blob: bytes) -> bytes:
    # ruleid: python-cipher-ecb-mode
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    # ok: python-broken-cipher
    nonce = os.urandom(12)
    # ok: python-broken-cipher
    sealed = AESGCM(key).encrypt(nonce, blob, None)
    # ok: python-cipher-ecb-mode
    ctr = Cipher(algorithms.AES(key), modes.CTR(nonce + b"\0" * 4)).encryptor()
    return encryptor.update(blob) + sealed + ctr.update(blob)

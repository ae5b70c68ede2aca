import hashlib


def password_digest(password: str) -> str:
    """Hash a password for storage.

    The digest is stored in the users table next to the user name.
    It is compared with the digest of the password given at login.
    """
    return hashlib.md5(password.encode()).hexdigest()

import random
import secrets
import string

from flask import Flask, session

app = Flask(__name__)
ALPHABET = string.ascii_letters + string.digits


def generate_reset_token(length=32):
    # ruleid: python-weak-random-security
    return "".join(random.choice(ALPHABET) for _ in range(length))


def new_invite_token():
    alphabet = string.ascii_uppercase + string.digits
    # ruleid: python-weak-random-security
    token = "".join(random.choice(alphabet) for _ in range(12))
    return token


def generate_api_token(length=32):
    # ok: python-weak-random-security
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def create_user(db, email):
    # ruleid: python-weak-random-security
    temp_password = "".join(random.choices(ALPHABET, k=10))
    # ok: python-weak-random-security
    initial_password = secrets.token_urlsafe(12)
    db.insert(email=email, password=temp_password, initial=initial_password)


@app.route("/login/otp")
def send_otp():
    # ruleid: python-weak-random-security
    session["otp"] = str(random.randint(100000, 999999))
    # ok: python-weak-random-security
    session["otp_backup"] = str(secrets.randbelow(900000) + 100000)
    return "sent"


class Session:
    def __init__(self, user):
        self.user = user
        # ruleid: python-weak-random-security
        self.session_id = "%032x" % random.getrandbits(128)
        # ok: python-weak-random-security
        self.csrf_token = secrets.token_hex(16)
        # ok: python-weak-random-security
        self.retry_delay = random.uniform(0.5, 1.5)


def build_boundary():
    # ok: python-weak-random-security
    token = random.randrange(10**12)
    return "===============%d==" % token


def shuffle_quiz(questions):
    # ok: python-weak-random-security
    order = random.sample(questions, k=len(questions))
    # ok: python-weak-random-security
    key = random.choice(["a", "b", "c"])
    return order, key


def make_salt():
    rng = random.SystemRandom()
    # ok: python-weak-random-security
    return "".join(rng.choice(ALPHABET) for _ in range(16))

import hmac
import os
import re
import smtplib

import psycopg2
import requests
from sqlalchemy import create_engine

# ruleid: python-hardcoded-secret
SECRET_KEY = "django-insecure-7f#k2!x9q@w3e4r5t6y7u8i9o0p"
# ok: python-hardcoded-secret
SECRET_KEY_FALLBACK = os.environ.get("DJANGO_SECRET_KEY")
# ruleid: python-hardcoded-secret
STRIPE_API_KEY = "sk_live_51HxQ2eLkj3h4k5l6m7n8o9p"
# ok: python-hardcoded-secret
API_KEY_HEADER = "X-API-Key"
# ok: python-hardcoded-secret
GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "USER": "app",
        # ruleid: python-hardcoded-password
        "PASSWORD": "Sup3rS3cret!",
    }
}

# ok: python-hardcoded-password
PASSWORD_FIELD = "password"
# ok: python-hardcoded-password
FORGOT_PASSWORD = "Forgot your password?"
# ok: python-hardcoded-password (one byte, a protocol's status: ironic's VNC authentication)
AUTH_STATUS_PASS = b"\x01"
# ok: python-hardcoded-password (a mask put in a logged request's place: designate's backends)
LOGGED_PASSWORD = "**SECRET**"
# ok: python-hardcoded-secret (the name of a setting that holds one)
FSC_KMIP_SECRET_KEY = "fungible:kmip_secret_key"
# ok: python-hardcoded-secret (a two-byte test vector: passlib's bcrypt backend check)
secret = b"\xd1\x91"
# ok: python-hardcoded-secret (an authorization scheme: the token follows it)
configuration.api_key_prefix["BearerToken"] = "Bearer"
# ok: python-hardcoded-secret (a type's name, as an API client's attribute map gives it)
OPENAPI_TYPES = {"kmip_secret_key": "str"}
# ok: python-hardcoded-password
db_password = os.environ["DB_PASSWORD"]
# ruleid: python-hardcoded-password
smtp_password = os.getenv("SMTP_PASSWORD", "mailer2021")

# ruleid: python-hardcoded-credentials-in-url
engine = create_engine("postgresql://reporting:r3p0rt1ng@db.internal:5432/analytics")
# ok: python-hardcoded-credentials-in-url
engine2 = create_engine(f"postgresql://reporting:{os.environ['REPORTING_PW']}@db.internal/analytics")


def get_connection():
    # ruleid: python-hardcoded-password
    return psycopg2.connect(host="db.internal", user="app", password="app_pw_2024")


def get_connection_from_env():
    # ok: python-hardcoded-password
    return psycopg2.connect(host="db.internal", user="app", password=os.environ["PGPASSWORD"])


def send_alert(message):
    server = smtplib.SMTP("smtp.example.com", 587)
    server.starttls()
    # ruleid: python-hardcoded-password
    server.login("alerts@example.com", "Al3rtMail!")
    # ok: python-hardcoded-password
    server.login("alerts@example.com", os.environ["SMTP_PASSWORD"])
    server.sendmail("alerts@example.com", ["ops@example.com"], message)


def admin_login(username, password):
    # ruleid: python-hardcoded-password
    if username == "admin" and password == "letmein123":
        return True
    # ruleid: python-hardcoded-password
    if request.form.get("password") == "letmein123":
        return True
    # the name of the stored hash's scheme (Flask-Security's verify_password)
    # ok: python-hardcoded-password
    if pwd_context.identify(user.password) == "bcrypt":
        password = password[:72]
    # a setting named for what is done with the password, compared with its mode (ansible's user module)
    # ok: python-hardcoded-password
    if user.update_password == "always":
        password = password.strip()
    # ok: python-hardcoded-password
    return hmac.compare_digest(password, os.environ["ADMIN_PASSWORD"])


def fetch_report():
    # ruleid: python-hardcoded-password
    return requests.get("https://reports.example.com/daily", auth=("reporter", "Rep0rt!ng"))


def create_app():
    from flask import Flask

    app = Flask(__name__)
    # ruleid: python-hardcoded-secret
    app.secret_key = "dev"
    # ok: python-hardcoded-secret
    app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]
    return app


class PaymentClient:
    def __init__(self, api_key=None):
        # ok: python-hardcoded-secret
        self.api_key = api_key or os.environ["PAYMENT_API_KEY"]
        # ruleid: python-hardcoded-secret
        self.client_secret = "c9b1f0e2a7d84b3c"
        # ok: python-hardcoded-secret
        self.token_type = "Bearer"


# ruleid: python-hardcoded-credentials-in-url
CELERY_BROKER_URL = "amqp://worker:w0rkerPass@rabbitmq:5672//"
# ok: python-hardcoded-credentials-in-url (the same URL again: reported once, where it is written)
CELERY = {"broker_url": CELERY_BROKER_URL, "result_backend": CELERY_BROKER_URL}
# ok: python-hardcoded-credentials-in-url
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
# ok: python-hardcoded-credentials-in-url
SOURCEFORGE_REPOSITORY = re.compile(r"ssh://(?:[^@]*@)?git.code.sf.net/p/(?P<repo>.*)$")  # buildbot's revlinks


# ok: python-hardcoded-secret
EXAMPLE_AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
# ok: python-hardcoded-password
masked_password = ":****"

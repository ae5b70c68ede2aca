"""A Django management command: every function of its module runs from manage.py with the operator's own
arguments, not a caller's data, so its parameters make no candidates and no *-function-param reports (the same join
in flows.py's read_document is one; a click command is in flows.py)."""

import os

from django.core.management.base import BaseCommand

LOCALE_DIR = "/srv/app/locale"


def catalog_folder(locale):
    # ok: python-flow-path-traversal
    return os.path.join(LOCALE_DIR, locale, "LC_MESSAGES")


class Command(BaseCommand):
    help = "Creates the message catalog of a locale."

    def add_arguments(self, parser):
        parser.add_argument("locale")

    def handle(self, *args, **options):
        # ok: python-flow-path-traversal
        with open(os.path.join(catalog_folder(options["locale"]), "django.po"), "w") as catalog:
            catalog.write("")

    def lock(self, cursor, lock_id):
        # ok: python-sql-injection-function-param
        cursor.execute(f"SELECT pg_try_advisory_xact_lock({lock_id})")

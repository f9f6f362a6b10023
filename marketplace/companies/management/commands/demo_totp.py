"""`manage.py demo_totp EMAIL`: the current sign-in code of a demo staff user, for the local demo only."""

import sys
import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.companies.demo_data import DEMO_TOTP_SECRETS


class Command(BaseCommand):
    help = (
        "Print the current 6-digit TOTP code of a demo staff user seeded by seed_demo "
        f"({', '.join(sorted(DEMO_TOTP_SECRETS))}). Runs only with DEBUG on."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="A demo staff email address, e.g. risk@demo.trustfair.test")

    def handle(self, *args, **options):
        # A second factor printed on a terminal is no factor: never on a server that is not a local demo.
        if not settings.DEBUG:
            raise CommandError("demo_totp runs only with DEBUG on (a local demo).")
        email = options["email"].strip().lower()
        expected_secret = DEMO_TOTP_SECRETS.get(email)
        if expected_secret is None:
            raise CommandError(
                f"{email} is not a demo staff user; demo users are {', '.join(sorted(DEMO_TOTP_SECRETS))}."
            )
        authenticator = Authenticator.objects.filter(
            user__email__iexact=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no TOTP authenticator yet: run `manage.py seed_demo` first.")
        secret = decrypt(authenticator.data["secret"])
        if secret != expected_secret:
            # The person set up their own authenticator app: its secret is theirs, not the demo's.
            raise CommandError(f"{email} uses its own authenticator, not the demo secret; use that app.")
        now = int(time.time())
        code = format_hotp_value(hotp_value(secret, now // app_settings.TOTP_PERIOD))
        self.stdout.write(code)
        if options["verbosity"] >= 1:
            remaining = app_settings.TOTP_PERIOD - now % app_settings.TOTP_PERIOD
            # On stderr, so that `$(manage.py demo_totp ...)` captures the code alone.
            sys.stderr.write(f"valid for about {remaining} s more; each code signs in once.\n")

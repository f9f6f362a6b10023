"""Promote a model version to champion, under the promotion rule (or forced, with a reason)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from credit.models import ModelVersion
from credit.registry import AUC_TOLERANCE, BRIER_TOLERANCE, promote


class Command(BaseCommand):
    help = (
        "Make VERSION the champion. Refused if its cross-validated AUC is more than "
        f"{AUC_TOLERANCE} below the champion's or its Brier score more than {BRIER_TOLERANCE} above, "
        "unless --force with --reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", type=int)
        parser.add_argument("--force", action="store_true")
        parser.add_argument("--reason", default="")

    def handle(self, *args, **options):
        try:
            version = ModelVersion.objects.get(version=options["version"])
        except ModelVersion.DoesNotExist:
            raise CommandError(f"No model version {options['version']}.") from None
        try:
            promote(version=version, force=options["force"], reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Model v{version.version} is the champion."))

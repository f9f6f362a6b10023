"""Rescore subjects with the champion and store their assessments."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from credit.index import champion, recompute


class Command(BaseCommand):
    help = (
        "Recompute credit assessments with the champion model: --all subjects in batch, or --subject ID ..."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every subject")
        parser.add_argument(
            "--subject", type=int, action="append", default=[], help="a subject id (repeatable)"
        )

    def handle(self, *args, **options):
        if not options["all"] and not options["subject"]:
            raise CommandError("Say --all, or name subjects with --subject ID.")
        version = champion()
        started = time.monotonic()

        def progress(done, total):
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()

        total = recompute(subject_ids=None if options["all"] else options["subject"], progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {total} assessments with model v{version.version} ({version.get_kind_display()}) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

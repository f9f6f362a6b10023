"""Recompute every deal's hash chain (or one deal's) and say whether the trade record is intact."""

import time

from django.core.management.base import BaseCommand, CommandError

from marketplace.deals import record


class Command(BaseCommand):
    help = (
        "Recompute the SHA-256 chain of every deal's record (or one deal's with --deal N). Exits non-zero "
        "and names the first broken deal and event when a row was edited, deleted, reordered or inserted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deal", type=int, help="check only the deal with this id")
        parser.add_argument("--chunk", type=int, default=5000, help="rows fetched per round trip")

    def handle(self, *args, deal=None, chunk=5000, verbosity=1, **options):
        started = time.perf_counter()

        def progress(report):
            if verbosity >= 2:
                self.stdout.write(f"  {report.deals:,} deals, {report.events:,} events…")

        report = record.verify_all(deal_id=deal, chunk=chunk, on_progress=progress)
        seconds = time.perf_counter() - started
        if deal is not None and report.deals == 0:
            raise CommandError(f"no deal with id {deal}")
        if report.first_break is not None:
            raise CommandError(
                f"trade record BROKEN in {report.breaks} of {report.deals} deals; first: {report.first_break}"
            )
        rate = report.events / seconds if seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"trade record intact: {report.deals:,} deals, {report.events:,} events "
                f"in {seconds:.2f} s ({rate:,.0f} events/s)"
            )
        )

"""`manage.py refresh_match_signals`: rebuild what the ranking knows of every supplier (or of some)."""

import time

from django.core.management.base import BaseCommand

from marketplace.matchmaking import ranking_signals, ranking_tasks


class Command(BaseCommand):
    help = (
        "Rebuild the ranking's per-supplier signals (categories, certifications, MOQ and capacity, prices, "
        "lead time, markets, response figures, grade, verification) from the catalog, deals and credit. "
        "Events keep them current; run this after bulk loads, and daily for grades (it starts the daily chain)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--supplier", type=int, action="append", help="Only this supplier id (repeatable)."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["supplier"]:
            done = ranking_signals.refresh_suppliers(options["supplier"])
        else:

            def progress(n, total):
                if options["verbosity"] >= 1:
                    self.stdout.write(f"  {n:,}/{total:,} suppliers")

            done = ranking_signals.refresh_all(progress=progress)
            ranking_tasks.schedule_next()
        self.stdout.write(
            self.style.SUCCESS(
                f"refresh_match_signals: {done:,} suppliers refreshed in {time.monotonic() - started:.1f} s."
            )
        )

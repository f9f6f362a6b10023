"""`manage.py complete_deals`: queue (or with --now, run) the daily completion of undisputed deals."""

from django.core.management.base import BaseCommand

from marketplace.deals import disputes
from marketplace.deals.tasks_fulfilment import complete_due_deals


class Command(BaseCommand):
    help = (
        "Complete every delivered deal whose claim window closed without a dispute. Run daily; queues the "
        "task for the worker, or runs it here with --now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run in this process instead of queueing.")

    def handle(self, *args, **options):
        if options["now"]:
            done = disputes.complete_due_deals()
            self.stdout.write(self.style.SUCCESS(f"complete_deals: {done} deal(s) completed."))
            return
        result = complete_due_deals.enqueue()
        self.stdout.write(self.style.SUCCESS(f"complete_deals: task {result.id} queued."))

from django.core.management.base import BaseCommand

from marketplace.payments import services


class Command(BaseCommand):
    help = (
        "Fetch the provider's state of every open card payment (and money still held) and repair what a lost "
        "webhook or a crash missed: authorisations, captures, expiries, releases. Safe to run at any time; "
        "run it hourly from cron."
    )

    def handle(self, *args, **options):
        counts = services.reconcile()
        self.stdout.write(
            f"Reconciled {counts['checked']} payments: {counts['changed']} repaired, "
            f"{counts['events']} stored webhook events applied, {counts['errors']} errors."
        )

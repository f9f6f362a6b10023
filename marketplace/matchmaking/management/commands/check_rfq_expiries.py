from django.core.management.base import BaseCommand

from marketplace.matchmaking.rfq_tasks import run, schedule_next


class Command(BaseCommand):
    help = (
        "Close sourcing requests past their closing date and expire quotations past their validity "
        "(each once; buyers and suppliers are told), then queue the next daily run."
    )

    def handle(self, *args, **options):
        done = run()
        when = schedule_next()
        self.stdout.write(
            f"{done['rfqs_closed']} sourcing requests closed; {done['quotations_expired']} quotations expired"
            + (f"; next run {when:%Y-%m-%d %H:%M} UTC." if when else ".")
        )

from django.core.management.base import BaseCommand

from marketplace.financing.tasks import run, schedule_next


class Command(BaseCommand):
    help = (
        "Mark disbursed financing past its repayment date overdue (each once; supplier and bank are told, "
        "the credit engine records the late payment), then queue the next daily run."
    )

    def handle(self, *args, **options):
        done = run()
        when = schedule_next()
        self.stdout.write(
            f"{done['overdue']} financings became overdue, {done['serious']} reached 90 days"
            + (f"; next run {when:%Y-%m-%d %H:%M} UTC." if when else ".")
        )

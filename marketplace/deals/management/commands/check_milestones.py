from django.core.management.base import BaseCommand

from marketplace.deals.milestones import refresh
from marketplace.deals.tasks import schedule_next


class Command(BaseCommand):
    help = "Move unpaid payment milestones to due / overdue (both sides are told once) and queue the next daily run."

    def handle(self, *args, **options):
        moved = refresh()
        when = schedule_next()
        self.stdout.write(
            f"{moved['due']} milestones fell due, {moved['overdue']} went overdue, "
            f"{moved['serious']} reached 90 days overdue"
            + (f"; next run {when:%Y-%m-%d %H:%M} UTC." if when else ".")
        )

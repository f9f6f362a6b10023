import datetime as dt

from django.core.management.base import BaseCommand

from marketplace.fairs.checkin_tasks import run, schedule_next


class Command(BaseCommand):
    help = (
        "Report to matchmaking the participants of a fair day's table meetings who never checked in "
        "(yesterday by default; each once), then queue the next daily run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", type=dt.date.fromisoformat, help="the fair day, YYYY-MM-DD")

    def handle(self, *args, day=None, **options):
        done = run(day)
        when = schedule_next()
        self.stdout.write(
            f"{done['day']}: {done['reported']} absences reported, {done['skipped']} skipped"
            + (f"; next run {when:%Y-%m-%d %H:%M} UTC." if when else ".")
        )

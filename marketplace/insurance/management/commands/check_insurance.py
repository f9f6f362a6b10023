from django.core.management.base import BaseCommand

from marketplace.insurance.duties import run
from marketplace.insurance.tasks import schedule_next


class Command(BaseCommand):
    help = (
        "The insured's duties on every open insured invoice: settle paid ones, remind before the due date, "
        "stop cover where the overdue report was missed, warn past the maximum extension; queue the next run."
    )

    def handle(self, *args, **options):
        done = run()
        when = schedule_next()
        self.stdout.write(
            f"{done['settled']} settled, {done['reminded']} reminded, {done['lapsed']} lapsed "
            f"({done['stopped']} limits stopped), {done['warned']} warned"
            + (f"; next run {when:%Y-%m-%d %H:%M} UTC." if when else ".")
        )

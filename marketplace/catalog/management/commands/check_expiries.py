from django.core.management.base import BaseCommand

from marketplace.catalog.tasks import run, schedule_next


class Command(BaseCommand):
    help = (
        "Expire approved verification documents past their last valid day and report product certificates "
        "that expired to credit (each once; the companies are told), then queue the next daily run."
    )

    def handle(self, *args, **options):
        done = run()
        when = schedule_next()
        self.stdout.write(
            f"{done['documents']} verification documents expired; certificates expired at "
            f"{done['suppliers']} suppliers" + (f"; next run {when:%Y-%m-%d %H:%M} UTC." if when else ".")
        )

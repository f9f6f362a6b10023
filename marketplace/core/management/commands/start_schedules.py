"""`manage.py start_schedules`: queue the first run of every recurring task named in settings.SCHEDULED_TASKS.

Each recurring task (the daily checks of expiries, milestones, RFQs, insurance duties and repayments, the
ranking's refresh, the meeting sweep, the hourly payment reconciliation) queues its own next run once it has
run; this starts each chain. Safe to repeat: a chain already queued for its next run is not queued twice.
On a queue that cannot defer (the immediate backend, plain RQ) nothing is queued: run the tasks' commands
from cron instead.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.tasks import default_task_backend
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Queue the first run of every recurring task (settings.SCHEDULED_TASKS); safe to repeat."

    def handle(self, *args, **options):
        if not default_task_backend.supports_defer:
            self.stdout.write(
                "This task queue cannot hold a task until later: run the tasks' commands from cron."
            )
            return
        for path in settings.SCHEDULED_TASKS:
            when = import_string(path)()
            what = path.rsplit(".", 1)[0]
            self.stdout.write(
                f"{what}: next run {when:%Y-%m-%d %H:%M} UTC" if when else f"{what}: already queued"
            )

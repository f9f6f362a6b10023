"""`manage.py start_schedules` queues the first run of every recurring task once, on a queue that can defer."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_every_recurring_task_is_queued_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    cache.clear()
    out = StringIO()
    call_command("start_schedules", stdout=out)
    queued = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == sorted(
        [
            "marketplace.catalog.tasks.check_expiries",
            "marketplace.deals.tasks.check_milestones",
            "marketplace.matchmaking.rfq_tasks.check_rfq_expiries",
            "marketplace.matchmaking.ranking_tasks.refresh_match_signals",
            "marketplace.matchmaking.meetings_tasks.meetings_sweep",
            "marketplace.insurance.tasks.check_insurance",
            "marketplace.financing.tasks.check_repayments",
            "marketplace.payments.tasks.reconcile_payments",
        ]
    )
    assert all(r.run_after is not None for r in DBTaskResult.objects.all())
    # A second start queues nothing more.
    call_command("start_schedules", stdout=StringIO())
    assert DBTaskResult.objects.count() == len(queued)
    assert "already queued" not in out.getvalue()


def test_on_a_queue_that_cannot_defer_it_says_to_use_cron():
    out = StringIO()
    call_command("start_schedules", stdout=out)
    assert "cron" in out.getvalue()

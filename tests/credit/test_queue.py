"""With REDIS_URL set, background work goes through Redis (RQ): a real queue and a real worker here."""

import datetime as dt

import django_rq
import pytest
import redis
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from credit import facts, tasks
from credit.models import Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def rq_queue():
    """The default RQ queue on the test settings' Redis database, emptied before and after."""
    url = settings.RQ_QUEUES["default"]["URL"]
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {url}: start redis-server (CI does) or set TEST_REDIS_URL")
    connection.flushdb()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    ):
        yield django_rq.get_queue("default")
    connection.flushdb()


def run_worker(queue) -> None:
    """One burst of an RQ worker with its scheduler, in this process (no fork: it sees the test database)."""
    from django_tasks_rq import Job
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True, with_scheduler=True)


def late_payment(subject, source, n):
    return facts.record(
        source=source,
        kind="payment_late",
        subject=subject,
        external_ref=f"rq-late-{n}",
        payload={"days_late": 40 + n, "amount": "900", "currency": "USD"},
        occurred_at=timezone.now() - dt.timedelta(days=5),
    )


def test_a_burst_of_facts_is_one_job_in_redis_that_the_worker_runs(
    rq_queue, subject, platform, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "DEBOUNCE", dt.timedelta(0))  # due at once rather than in 2 s
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            late_payment(subject, platform, n)
    assert not Assessment.objects.exists()  # waiting in Redis, not run in the request
    waiting = rq_queue.count + len(rq_queue.scheduled_job_registry.get_job_ids())
    assert waiting == 1  # three facts, one recompute
    run_worker(rq_queue)
    assessment = Assessment.objects.get(subject=subject)
    assert assessment.features["worst_days_late_24m"] == 42.0
    assert rq_queue.count == 0 and len(rq_queue.finished_job_registry) == 1


def test_a_recompute_waits_for_the_debounce(
    rq_queue, subject, platform, django_capture_on_commit_callbacks, monkeypatch
):
    # A wait far longer than the test takes on a busy machine: the job must still be waiting when the worker looks.
    monkeypatch.setattr(tasks, "DEBOUNCE", dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        late_payment(subject, platform, 0)
    registry = rq_queue.scheduled_job_registry
    (job_id,) = registry.get_job_ids()
    due = registry.get_scheduled_time(job_id)
    assert timezone.now() < due <= timezone.now() + tasks.DEBOUNCE
    run_worker(rq_queue)  # not due yet: the worker leaves it
    assert not Assessment.objects.exists() and registry.get_job_ids() == [job_id]

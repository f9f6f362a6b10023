"""Background recompute of credit assessments, started after the facts' transaction commits.

A burst of facts gives one recompute per subject: `credit.facts.announce` sends one `fact_recorded`
per transaction, and a subject already waiting for a recompute is not queued twice (a cache marker
that the task clears when it starts, so facts arriving while it runs queue one more).
"""

import datetime as dt

from django.core.cache import cache
from django.dispatch import receiver
from django.tasks import default_task_backend, task
from django.utils import timezone

from credit.signals import fact_recorded, model_promoted

PENDING_KEY = "credit:recompute-pending:{}"
PENDING_SECONDS = 600
# On a queue that can defer (the database worker), wait this long so a burst across several
# transactions still gives one recompute.
DEBOUNCE = dt.timedelta(seconds=2)


@task()
def recompute_subjects(subject_ids: list[int]) -> int:
    from credit.index import recompute

    cache.delete_many([PENDING_KEY.format(i) for i in subject_ids])
    return recompute(subject_ids=subject_ids)


def schedule_recompute(subject_ids) -> list[int]:
    """Queue one recompute for the subjects not already waiting for one; returns those queued."""
    fresh = [int(i) for i in sorted(subject_ids) if cache.add(PENDING_KEY.format(i), 1, PENDING_SECONDS)]
    if not fresh:
        return fresh
    if default_task_backend.supports_defer:
        recompute_subjects.using(run_after=timezone.now() + DEBOUNCE).enqueue(fresh)
    else:
        recompute_subjects.enqueue(fresh)
    return fresh


@receiver(fact_recorded, dispatch_uid="credit_recompute_on_facts")
def _recompute_on_facts(sender, subject_ids, **kwargs):
    schedule_recompute(subject_ids)


@task()
def backfill_history(version_id: int) -> int:
    """Month-end history for a newly promoted model (credit/backfill.py), in the background."""
    from credit.backfill import backfill_history as run
    from credit.models import ModelVersion

    return run(version=ModelVersion.objects.get(pk=version_id))


@receiver(model_promoted, dispatch_uid="credit_backfill_on_promotion")
def _backfill_on_promotion(sender, version, **kwargs):
    backfill_history.enqueue(version.pk)

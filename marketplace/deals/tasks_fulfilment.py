"""The daily fulfilment task: complete the delivered deals whose claim window closed without a dispute.

Enqueue it once a day (`manage.py complete_deals`, from cron or the platform's scheduler); the worker
(`manage.py db_worker`, or RQ with REDIS_URL) runs it. Each deal completes in its own transaction through
`disputes.complete_after_window`, so a run stopped half-way is simply resumed by the next one.
"""

from django.tasks import task

from marketplace.deals import disputes


@task()
def complete_due_deals() -> int:
    return disputes.complete_due_deals()

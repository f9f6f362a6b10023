"""A promoted model scores the past month-ends, so a company's history is real from day one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from credit import facts
from credit.backfill import backfill_history, month_ends, progress_of
from credit.index import history
from credit.models import Assessment, ModelVersion
from credit.registry import champion, promote

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject_with_a_past(subject, platform):
    """Invoices over five months, one of them paid late."""
    today = timezone.now()
    for months_ago in (5, 3, 1):
        due = (today - dt.timedelta(days=30 * months_ago)).date()
        paid = due + dt.timedelta(days=40 if months_ago == 3 else 0)
        facts.record(
            source=platform,
            kind="invoice_paid",
            subject=subject,
            external_ref=f"inv-{months_ago}",
            payload={"amount": "900", "currency": "USD", "due_date": due, "paid_date": paid},
            occurred_at=dt.datetime.combine(paid, dt.time(12), tzinfo=dt.UTC),
        )
    return subject


def test_month_ends_are_the_closes_after_the_first_moment():
    first = dt.datetime(2026, 10, 17, 9, 0, tzinfo=dt.UTC)
    last = dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC)
    assert month_ends(first, last) == [
        dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    ]


def test_backfill_scores_each_past_month_end_once_and_ends_with_today(subject_with_a_past):
    version = champion()
    written = backfill_history(version=version)
    points = history(subject_with_a_past.pk)
    month_closes = [a for a in points if a.as_of.day == 1 and a.as_of.hour == 0 and a.as_of < timezone.now()]
    assert len(month_closes) >= 5 and written >= 5
    # The newest assessment is also the last one written: the risk pages take the latest by id.
    last_written = Assessment.objects.filter(subject=subject_with_a_past).order_by("-id").first()
    assert last_written.as_of == max(a.as_of for a in points)
    assert progress_of(version)["finished"]
    # A second run adds no month-end again (only today's score).
    before = Assessment.objects.exclude(as_of__gte=timezone.now() - dt.timedelta(hours=1)).count()
    backfill_history(version=version)
    assert Assessment.objects.exclude(as_of__gte=timezone.now() - dt.timedelta(hours=1)).count() == before


def test_a_promotion_starts_the_backfill_after_commit(
    subject_with_a_past, risk_officer, django_capture_on_commit_callbacks
):
    serving = champion()
    newer = ModelVersion.objects.create(
        version=serving.version + 1,
        kind=ModelVersion.Kind.SCORECARD,
        feature_names=serving.feature_names,
        metrics=serving.metrics,
    )
    with django_capture_on_commit_callbacks(execute=True):
        promote(version=newer, by_user=risk_officer, force=True, reason="Recalibrated scorecard.")
        assert not Assessment.objects.filter(model_version=newer).exists()  # nothing before the commit
    assert Assessment.objects.filter(
        model_version=newer, as_of__lt=timezone.now() - dt.timedelta(days=20)
    ).exists()
    assert progress_of(newer) == {
        "done": progress_of(newer)["total"],
        "total": progress_of(newer)["total"],
        "finished": True,
    }


def test_the_registry_page_shows_the_backfills_progress(client, risk_officer, subject_with_a_past):
    backfill_history(version=champion())
    client.force_login(risk_officer)
    html = client.get(reverse("credit:model_registry")).content.decode()
    assert "past month-ends scored by the champion" in html

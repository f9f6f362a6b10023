"""Gating policy changes and overrides land in the platform's audit trail (issue 13: "Both are audited")."""

from decimal import Decimal

import pytest

from credit import gating
from credit.gating import DEFAULT_POLICY, RuleInput
from credit.models import GatingOverride
from marketplace.core.models import AuditEvent
from tests.credit.factories import AssessmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_exposure(settings):
    settings.CREDIT_EXPOSURE = "tests.marketplace.companies.test_gating_audit.no_exposure"
    settings.CREDIT_OVERRIDE_FOUR_EYES_AMOUNT = Decimal("50000")


def no_exposure(subject):
    return []


def test_a_policy_change_is_audited_with_its_author_and_reason(django_capture_on_commit_callbacks):
    officer = UserFactory(platform_role="risk_officer")
    rows = {g: RuleInput(t, lim, d) for g, (t, lim, d) in DEFAULT_POLICY.items()}
    with django_capture_on_commit_callbacks(execute=True):
        policy = gating.save_policy(rows=rows, base_currency="USD", reason="Yearly review", by_user=officer)
    event = AuditEvent.objects.get(action="credit.gating_policy.save")
    assert event.actor == officer
    assert event.data["version"] == policy.version and event.data["reason"] == "Yearly review"


def test_an_override_and_its_second_approval_are_audited_for_the_buyer(django_capture_on_commit_callbacks):
    buyer = AssessmentFactory(grade="BBB").subject
    first, second = (UserFactory(platform_role="risk_officer") for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        override = gating.request_override(
            subject=buyer,
            action="open_account",
            amount=Decimal("80000"),
            currency="USD",
            term_days=30,
            reference="deal:7",
            reason="Parent-company guarantee on file.",
            by_user=first,
        )
    assert override.status == GatingOverride.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        gating.approve_override(override=override, by_user=second, note="Guarantee checked.")
    events = list(AuditEvent.objects.filter(action__startswith="credit.gating_override.").order_by("id"))
    assert [(e.action, e.actor, e.company_id) for e in events] == [
        ("credit.gating_override.requested", first, buyer.pk),
        ("credit.gating_override.approved", second, buyer.pk),
    ]
    assert events[0].data["reason"] == "Parent-company guarantee on file."
    assert events[1].data["reason"] == "Guarantee checked." and events[1].data["reference"] == "deal:7"

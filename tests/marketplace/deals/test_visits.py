"""Factory visits: request, confirm, report — from each allowed state, refused from every other, by the right people only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit.models import Fact
from marketplace.deals import record, visits
from marketplace.deals.models import FactoryVisit
from tests.marketplace.companies.factories import UserFactory
from tests.marketplace.deals.fulfilment_helpers import STATES, bring_to, disguised, photo, snapshot

pytestmark = pytest.mark.django_db
ALLOWED = ("negotiation", "agreed", "ordered")


def soon(hours=24):
    return timezone.now() + dt.timedelta(hours=hours)


def request(deal, user, **kwargs):
    return visits.request_visit(
        deal=deal,
        by_user=user,
        mode=kwargs.pop("mode", "on_site"),
        times=kwargs.pop("times", [soon(), soon(48)]),
        **kwargs,
    )


def held(visit):
    """The confirmed time has passed: the visit took place."""
    FactoryVisit.objects.filter(pk=visit.pk).update(confirmed_time=timezone.now() - dt.timedelta(hours=1))
    visit.refresh_from_db()
    return visit


@pytest.mark.parametrize("state", ALLOWED)
def test_the_buyer_requests_and_the_supplier_confirms_in_each_allowed_state(deal, parties, state):
    bring_to(deal, state)
    visit = request(deal, parties["buyer_staff"], note="Please show the 120 t line.")
    assert visit.status == "requested" and len(visit.proposed) == 2
    visits.confirm_visit(visit=visit, by_user=parties["supplier_staff"], time=visit.proposed[1])
    visit.refresh_from_db()
    deal.refresh_from_db()
    assert visit.status == "confirmed" and visit.confirmed_time == visit.proposed[1]
    assert deal.state == state
    assert [e.action for e in deal.events.order_by("seq")][-2:] == ["visit_requested", "visit_confirmed"]
    assert record.verify(deal) is None


@pytest.mark.parametrize("state", [s for s in STATES if s not in ALLOWED])
def test_no_visit_outside_negotiation_agreed_ordered(deal, parties, state):
    bring_to(deal, state)
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        request(deal, parties["buyer_user"])
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "who", ["supplier_user", "third_user", "no_company", "operator", "risk_officer", "bank_risk_officer"]
)
def test_only_the_buyer_requests(deal, parties, who):
    bring_to(deal, "negotiation")
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        request(deal, parties[who])
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "times, field",
    [
        ([], "proposed_1"),
        ([timezone.now() - dt.timedelta(hours=1)], "proposed_1"),
        ([soon(1), soon(2), soon(3), soon(4)], "proposed_1"),
    ],
)
def test_bad_times_are_refused_with_a_message(deal, parties, times, field):
    bring_to(deal, "negotiation")
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        request(deal, parties["buyer_user"], times=times)
    assert field in error.value.message_dict
    assert snapshot(deal) == before


def test_unknown_inspector_and_one_open_visit_at_a_time(deal, parties):
    bring_to(deal, "agreed")
    with pytest.raises(ValidationError) as error:
        request(deal, parties["buyer_user"], inspector_email="nobody@example.invalid")
    assert "inspector_email" in error.value.message_dict
    with pytest.raises(ValidationError):
        request(deal, parties["buyer_user"], inspector_email=parties["supplier_staff"].email)
    request(deal, parties["buyer_user"])
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        request(deal, parties["buyer_user"])
    assert snapshot(deal) == before


def test_confirm_only_by_the_supplier_and_only_a_proposed_future_time(deal, parties):
    bring_to(deal, "agreed")
    visit = request(deal, parties["buyer_user"])
    before = snapshot(deal)
    for who in ("buyer_user", "third_user", "operator"):
        with pytest.raises(PermissionDenied):
            visits.confirm_visit(visit=visit, by_user=parties[who], time=visit.proposed[0])
    with pytest.raises(ValidationError):
        visits.confirm_visit(visit=visit, by_user=parties["supplier_user"], time=soon(100))
    assert snapshot(deal) == before
    FactoryVisit.objects.filter(pk=visit.pk).update(proposed_1=timezone.now() - dt.timedelta(hours=2))
    visit.refresh_from_db()
    with pytest.raises(ValidationError):
        visits.confirm_visit(visit=visit, by_user=parties["supplier_user"], time=visit.proposed_1)
    assert snapshot(deal) == before


def confirmed(deal, parties, **kwargs):
    visit = request(deal, parties["buyer_user"], **kwargs)
    visits.confirm_visit(visit=visit, by_user=parties["supplier_user"], time=visit.proposed[0])
    visit.refresh_from_db()
    return visit


def test_the_report_keeps_checklist_outcome_and_photo_hashes_in_the_record(
    deal, parties, django_capture_on_commit_callbacks
):
    bring_to(deal, "ordered")
    visit = held(confirmed(deal, parties))
    with django_capture_on_commit_callbacks(execute=True):
        visits.file_report(
            visit=visit,
            by_user=parties["buyer_user"],
            outcome="conditional",
            checklist={"licence": True, "production": True, "capacity": False},
            notes="Second press under repair; re-check before shipment.",
            photos=[photo("press.png"), photo("line.png")],
        )
    visit.refresh_from_db()
    assert visit.status == "reported" and visit.outcome == "conditional"
    event = deal.events.order_by("seq").last()
    assert event.action == "visit_report"
    assert event.data["checklist"]["licence"] is True and event.data["checklist"]["capacity"] is False
    assert sorted(p["sha256"] for p in event.data["photos"]) == sorted(
        visit.photos.values_list("sha256", flat=True)
    )
    assert all(len(p["sha256"]) == 64 for p in event.data["photos"])
    assert record.verify(deal) is None
    fact = Fact.objects.get(kind="factory_visit")
    assert fact.subject_id == deal.supplier_id and fact.metric == 1.0
    assert fact.external_ref == f"deal:{deal.pk}:visit:{visit.pk}"


def test_the_named_inspector_files_the_report_and_nobody_else_outside_the_buyer(deal, parties):
    inspector = UserFactory(email="inspector@sgs.example")
    bring_to(deal, "agreed")
    visit = held(confirmed(deal, parties, inspector_email=inspector.email))
    before = snapshot(deal)
    for who in ("supplier_user", "third_user", "operator", "risk_officer"):
        with pytest.raises(PermissionDenied):
            visits.file_report(visit=visit, by_user=parties[who], outcome="pass", checklist={}, notes="")
    assert snapshot(deal) == before
    visits.file_report(visit=visit, by_user=inspector, outcome="pass", checklist={"licence": True}, notes="")
    event = deal.events.order_by("seq").last()
    assert (
        event.actor_user_id == inspector.pk
        and event.actor_company_id is None
        and event.data["inspector"] is True
    )


def test_no_report_before_the_visit_nor_twice(deal, parties):
    bring_to(deal, "agreed")
    visit = confirmed(deal, parties)
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        visits.file_report(visit=visit, by_user=parties["buyer_user"], outcome="pass", checklist={}, notes="")
    assert snapshot(deal) == before
    held(visit)
    visits.file_report(visit=visit, by_user=parties["buyer_user"], outcome="pass", checklist={}, notes="")
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        visits.file_report(
            visit=visit, by_user=parties["buyer_user"], outcome="fail", checklist={}, notes="x"
        )
    assert snapshot(deal) == before


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: disguised("factory.jpg"), "whatever its name says"),
        (lambda: photo("tiny.png", size=(40, 40)), "too small"),
    ],
)
def test_disguised_or_unusable_photos_are_refused_and_nothing_is_written(deal, parties, upload, message):
    bring_to(deal, "agreed")
    visit = held(confirmed(deal, parties))
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        visits.file_report(
            visit=visit,
            by_user=parties["buyer_user"],
            outcome="pass",
            checklist={},
            notes="",
            photos=[upload()],
        )
    assert message in " ".join(error.value.message_dict["photos"])
    assert snapshot(deal) == before


def test_an_oversize_photo_is_refused(deal, parties, settings):
    settings.DEALS_MAX_ATTACHMENT_BYTES = 100
    bring_to(deal, "agreed")
    visit = held(confirmed(deal, parties))
    before = snapshot(deal)
    with pytest.raises(ValidationError) as error:
        visits.file_report(
            visit=visit,
            by_user=parties["buyer_user"],
            outcome="pass",
            checklist={},
            notes="",
            photos=[photo()],
        )
    assert "limit" in " ".join(error.value.message_dict["photos"])
    assert snapshot(deal) == before


def test_a_failed_or_conditional_visit_needs_findings(deal, parties):
    bring_to(deal, "agreed")
    visit = held(confirmed(deal, parties))
    with pytest.raises(ValidationError) as error:
        visits.file_report(
            visit=visit, by_user=parties["buyer_user"], outcome="fail", checklist={}, notes=" "
        )
    assert "notes" in error.value.message_dict

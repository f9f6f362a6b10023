# ruff: noqa: F811 - `world` is the fixture imported from test_disputes
"""Dispute pages and files, tried by every kind of person against real disputes: forbidden is 404."""

import pytest
from django.urls import reverse
from django.utils import translation

from credit import disputes
from credit.models import DisputeStatus, FactDispute
from tests.credit.factories import FactFactory
from tests.credit.test_disputes import PDF, _open, pdf, world  # noqa: F401 - the shared world fixture

pytestmark = pytest.mark.django_db
PEOPLE = ("member", "outsider", "reviewer", "other_reviewer", "risk", "operator")


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _statuses(client, w, url):
    return {who: _get(client, getattr(w, who), url).status_code for who in PEOPLE}


def test_anonymous_is_sent_to_sign_in_everywhere(client, world):
    dispute = _open(world)
    evidence = dispute.evidence.get()
    for url in [
        reverse("credit:subject_facts", args=[world.company.pk]),
        reverse("credit:dispute_open", args=[world.fact.pk]),
        reverse("credit:dispute_queue"),
        reverse("credit:dispute_overdue"),
        reverse("credit:dispute_detail", args=[dispute.pk]),
        reverse("credit:dispute_decide", args=[dispute.pk]),
        reverse("credit:dispute_evidence", args=[dispute.pk, evidence.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_the_facts_page_and_the_opening_form_are_for_the_company_only(client, world):
    for url in (
        reverse("credit:subject_facts", args=[world.company.pk]),
        reverse("credit:dispute_open", args=[world.fact.pk]),
    ):
        assert _statuses(client, world, url) == {
            "member": 200,
            "outsider": 404,
            "reviewer": 404,
            "other_reviewer": 404,
            "risk": 404,
            "operator": 404,
        }, url
    client.force_login(world.outsider)
    post = client.post(
        reverse("credit:dispute_open", args=[world.fact.pk]), {"ground": "wrong", "statement": "not ours"}
    )
    assert post.status_code == 404 and not FactDispute.objects.exists()


def test_a_member_opens_a_dispute_through_the_page(client, world):
    client.force_login(world.member)
    page = client.get(reverse("credit:subject_facts", args=[world.company.pk]))
    assert reverse("credit:dispute_open", args=[world.fact.pk]) in page.content.decode()
    response = client.post(
        reverse("credit:dispute_open", args=[world.fact.pk]),
        {"ground": "already_paid", "statement": "Paid on time.", "evidence": [pdf("a.pdf"), pdf("b.pdf")]},
    )
    dispute = FactDispute.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "credit:dispute_detail", args=[dispute.pk]
    )
    assert dispute.evidence.count() == 2
    page = client.get(reverse("credit:subject_facts", args=[world.company.pk])).content.decode()
    assert "Disputed" in page
    detail = client.get(response["Location"]).content.decode()
    assert "30 days left to review" in detail and "Paid on time." in detail


def test_a_dispute_and_its_files_are_for_the_company_the_source_and_risk_officers(client, world):
    dispute = _open(world, statement="SECRET-STATEMENT")
    evidence = dispute.evidence.get()
    allowed = {
        "member": 200,
        "outsider": 404,
        "reviewer": 200,
        "other_reviewer": 404,
        "risk": 200,
        "operator": 404,
    }
    assert _statuses(client, world, reverse("credit:dispute_detail", args=[dispute.pk])) == allowed
    file_url = reverse("credit:dispute_evidence", args=[dispute.pk, evidence.pk])
    assert _statuses(client, world, file_url) == allowed
    response = _get(client, world.reviewer, file_url)
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    # A file of another dispute (the member may read it) under this dispute's address: 404.
    world.fact = FactFactory(subject=world.company, source=world.bank)
    other = _open(world).evidence.get()
    assert (
        _get(
            client, world.member, reverse("credit:dispute_evidence", args=[dispute.pk, other.pk])
        ).status_code
        == 404
    )


def test_deciding_is_for_the_source_reviewers_and_risk_officers(client, world):
    dispute = _open(world)
    url = reverse("credit:dispute_decide", args=[dispute.pk])
    assert _statuses(client, world, url) == {
        "member": 404,
        "outsider": 404,
        "reviewer": 200,
        "other_reviewer": 404,
        "risk": 200,
        "operator": 404,
    }
    for who in ("member", "other_reviewer", "operator"):
        client.force_login(getattr(world, who))
        assert client.post(url, {"decision": "reject", "reason": "no"}).status_code == 404
    client.force_login(world.reviewer)
    response = client.post(url, {"decision": "reject", "reason": "The payment was late."})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REJECTED and dispute.decided_by == world.reviewer


def test_a_correction_through_the_page(client, world):
    dispute = _open(world)
    client.force_login(world.risk)
    bad = client.post(
        reverse("credit:dispute_decide", args=[dispute.pk]),
        {"decision": "correct", "kind": "payment_late", "payload": "{not json", "reason": "x"},
    )
    assert bad.status_code == 200 and "Not valid JSON" in bad.content.decode()
    response = client.post(
        reverse("credit:dispute_decide", args=[dispute.pk]),
        {
            "decision": "correct",
            "kind": "payment_late",
            "payload": '{"days_late": 3, "amount": "20000", "currency": "USD"}',
            "reason": "3 days, not 75.",
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CORRECTED and dispute.correction.supersedes_id == world.fact.pk


def test_withdrawing_and_adding_files_are_for_members(client, world):
    dispute = _open(world, evidence=[])
    for who in ("reviewer", "risk", "outsider", "operator"):
        client.force_login(getattr(world, who))
        assert client.post(reverse("credit:dispute_withdraw", args=[dispute.pk])).status_code == 404
        assert (
            client.post(
                reverse("credit:dispute_add_evidence", args=[dispute.pk]), {"file": pdf()}
            ).status_code
            == 404
        )
    assert dispute.evidence.count() == 0
    client.force_login(world.member)
    client.post(reverse("credit:dispute_add_evidence", args=[dispute.pk]), {"file": pdf("late.pdf")})
    assert list(dispute.evidence.values_list("original_name", flat=True)) == ["late.pdf"]
    client.post(reverse("credit:dispute_withdraw", args=[dispute.pk]))
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.WITHDRAWN


def test_the_queue_shows_each_reviewer_only_their_sources(client, world):
    dispute = _open(world)
    url = reverse("credit:dispute_queue")
    assert _statuses(client, world, url) == {
        "member": 404,
        "outsider": 404,
        "reviewer": 200,
        "other_reviewer": 200,
        "risk": 200,
        "operator": 404,
    }
    detail = reverse("credit:dispute_detail", args=[dispute.pk])
    assert detail in _get(client, world.reviewer, url).content.decode()
    assert detail in _get(client, world.risk, url).content.decode()
    assert detail not in _get(client, world.other_reviewer, url).content.decode()


def test_operators_see_overdue_reviews_without_the_private_parts(client, world):
    dispute = _open(world, statement="SECRET-STATEMENT")
    FactDispute.objects.filter(pk=dispute.pk).update(due_at=dispute.opened_at.replace(year=2000))
    url = reverse("credit:dispute_overdue")
    statuses = _statuses(client, world, url)
    assert statuses["operator"] == 200 and statuses["risk"] == 200
    assert all(statuses[w] == 403 for w in ("member", "outsider", "reviewer", "other_reviewer"))
    page = _get(client, world.operator, url).content.decode()
    assert world.company.name in page and "overdue" in page and "SECRET-STATEMENT" not in page
    assert reverse("credit:dispute_detail", args=[dispute.pk]) not in page
    assert list(disputes.overdue()) == [dispute]


def test_risk_officers_see_the_fact_marked_disputed_on_the_credit_file(client, world):
    _open(world)
    client.force_login(world.risk)
    page = client.get(reverse("credit:subject_credit", args=[world.company.pk])).content.decode()
    assert "1 fact behind this index is disputed" in page and "Disputed" in page


def test_the_company_credit_page_shows_recourse_and_disputes(client, world):
    _open(world)
    client.force_login(world.member)
    page = client.get(reverse("companies:company_credit")).content.decode()
    assert "What would raise our grade" in page
    assert reverse("credit:subject_facts", args=[world.company.pk]) in page
    assert "days left to review" in page


def test_a_not_ours_dispute_is_retracted_through_the_page_and_the_file_notes_it(client, world):
    dispute = _open(world, ground="not_ours")
    client.force_login(world.risk)
    url = reverse("credit:dispute_decide", args=[dispute.pk])
    assert client.get(url).context["form"]["decision"].initial == "retract"
    response = client.post(url, {"decision": "retract", "reason": "A namesake's invoice."})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RETRACTED and dispute.correction.kind == "fact_retracted"
    page = client.get(reverse("credit:subject_credit", args=[world.company.pk])).content.decode()
    assert "1 fact was retracted by its source and no longer counts in this index" in page
    assert "Retracted: not counted" in page
    # The dispute's own page names its status and steps in the reader's language, not as stored codes.
    detail = reverse("credit:dispute_detail", args=[dispute.pk])
    english = client.get(detail).content.decode()
    assert "Retracted" in english and "— retracted" in english and "— opened" in english
    client.cookies["django_language"] = "zh-hans"
    try:
        chinese = client.get(detail).content.decode()
    finally:
        translation.activate("en")  # the request left Chinese active in this thread
    assert "已撤回" in chinese and "— 提出" in chinese
    assert "— opened" not in chinese and "— retracted" not in chinese

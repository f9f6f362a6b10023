"""The insurance pages: the supplier's deal page, the insurer's queue and application, who sees what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.insurance import services
from marketplace.insurance.models import LimitStatus
from tests.marketplace.insurance.factories import CreditLimitFactory, PolicyFactory
from tests.marketplace.insurance.helpers import ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(deal, people):
    return services.request_cover(deal=deal, insurer=people["insurer"], by_user=people["supplier_user"])


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_supplier_applies_from_the_deals_insurance_page(client, deal, people):
    client.force_login(people["supplier_user"])
    page = client.get(reverse("insurance:deal_insurance", args=[deal.pk]))
    assert page.status_code == 200 and "Apply for a limit on this buyer" in page.content.decode()
    response = client.post(
        reverse("insurance:request_cover", args=[deal.pk]),
        {"insurer": people["insurer"].pk, "amount": "50000", "term_days": "60"},
    )
    assert response.status_code == 302
    limit = deal.buyer.pk and services.limit_for(
        policy=services.policy_for(insurer=people["insurer"], insured=people["supplier"]),
        buyer_id=deal.buyer_id,
    )
    assert limit.status == LimitStatus.PENDING
    # The deal page shows the step to the supplier, not to the buyer.
    detail = deal.get_absolute_url()
    assert "Limit applied for" in client.get(detail).content.decode()
    client.force_login(people["buyer_user"])
    assert "Limit applied for" not in client.get(detail).content.decode()


def test_the_buyer_and_strangers_never_see_the_deals_insurance_page(client, deal, people):
    url = reverse("insurance:deal_insurance", args=[deal.pk])
    for who in ("buyer_user", "other_supplier_user", "officer"):
        assert get(client, people[who], url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_queue_shows_only_the_officers_own_insurers_applications(client, application, people):
    page = get(client, people["officer"], reverse("insurance:queue"))
    assert page.status_code == 200 and people["buyer"].name in page.content.decode()
    other = get(client, people["other_officer"], reverse("insurance:queue"))
    assert other.status_code == 200 and people["buyer"].name not in other.content.decode()
    for who in ("bank_officer", "buyer_user", "supplier_user"):
        assert get(client, people[who], reverse("insurance:queue")).status_code == 403


def test_the_application_page_shows_index_exposure_and_suggestion_to_its_insurer(client, application, people):
    url = application.get_absolute_url()
    page = get(client, people["officer"], url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "TrustFair&#x27;s suggestion" in text or "TrustFair's suggestion" in text
    assert "Approve up to 50000" in text and "Unpaid on deferred terms" in text
    assert "Record the decision" in text
    # The platform's risk officers may read it, but not decide.
    page = get(client, people["platform_risk"], url)
    assert page.status_code == 200 and "Record the decision" not in page.content.decode()
    for who in ("other_officer", "bank_officer", "buyer_user", "supplier_user"):
        assert get(client, people[who], url).status_code == 404


def test_the_officer_decides_on_the_page_and_another_insurer_cannot_post(client, application, people):
    url = application.get_absolute_url()
    form = {
        "outcome": "approve",
        "amount": "50000",
        "max_term_days": "90",
        "valid_until": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
        "reason": "",
    }
    client.force_login(people["other_officer"])
    assert client.post(url, form).status_code == 404
    client.force_login(people["officer"])
    assert client.post(url, {**form, "outcome": "refuse"}).status_code == 400  # no reason
    assert client.post(url, form).status_code == 302
    application.refresh_from_db()
    assert application.status == LimitStatus.APPROVED and application.decided_by == people["officer"]


def test_declaring_on_the_page_gives_a_certificate_the_insurer_may_download_and_the_buyer_may_not(
    client, application, people, deal
):
    services.decide_limit(
        limit=application,
        by_user=people["officer"],
        outcome="approve",
        amount=Decimal("50000"),
        max_term_days=90,
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    shipment = ship(deal, people["supplier_user"])
    client.force_login(people["supplier_user"])
    response = client.post(
        reverse("insurance:declare", args=[deal.pk]), {"shipment": shipment.pk, "insured_amount": "50000"}
    )
    assert response.status_code == 302
    declaration = shipment.insurance_declaration
    url = declaration.get_certificate_url()
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert get(client, people["officer"], url).status_code == 200
    for who in ("buyer_user", "other_officer", "bank_officer", "other_supplier_user"):
        assert get(client, people[who], url).status_code == 404


def test_the_rate_table_is_edited_by_the_insurers_officer_only(client, people):
    url = reverse("insurance:rates")
    client.force_login(people["officer"])
    assert (
        client.post(url, {"grade": "BBB", "max_term_days": "60", "rate_percent": "0.777"}).status_code == 302
    )
    page = client.get(url)
    assert "0.777" in page.content.decode()
    client.force_login(people["platform_risk"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"grade": "BBB", "max_term_days": "60", "rate_percent": "5"}).status_code == 403
    client.force_login(people["bank_officer"])
    assert client.get(url).status_code == 403


def test_the_queue_reads_in_chinese(client, application, people):
    client.force_login(people["officer"])
    try:
        page = client.get(reverse("insurance:queue"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert page.status_code == 200 and "保险申请" in page.content.decode()
    finally:
        translation.activate("en")


def test_the_queue_costs_the_same_queries_for_many_applications(
    client, people, django_assert_max_num_queries
):
    policy = PolicyFactory(insurer=people["insurer"])
    CreditLimitFactory(policy=policy)
    client.force_login(people["officer"])
    url = reverse("insurance:queue")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    CreditLimitFactory.create_batch(8, policy=policy)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count('href="/insurance/limits/') == 9


def test_the_queue_pages_pending_first_then_newest_first(client, people, monkeypatch):
    """Pending applications lead, newest first, and the rest follow, newest first, across pages; a status
    filter keeps its choice in the page links."""
    from marketplace.insurance import views

    monkeypatch.setattr(views, "QUEUE_PER_PAGE", 3)
    policy = PolicyFactory(insurer=people["insurer"])
    now = timezone.now()
    made = {}
    for name, hours_ago, traits in [
        ("old pending", 50, {}),
        ("new approved", 1, {"approved": True}),
        ("mid pending", 20, {}),
        ("old refused", 60, {"status": LimitStatus.REFUSED}),
        ("new pending", 2, {}),
        ("mid approved", 30, {"approved": True}),
        ("newest pending", 0, {}),
    ]:
        made[name] = CreditLimitFactory(
            policy=policy, requested_at=now - dt.timedelta(hours=hours_ago), **traits
        )
    client.force_login(people["officer"])

    def order_on(query):
        html = client.get(reverse("insurance:queue") + query).content.decode()
        return [name for name, limit in made.items() if f'href="{limit.get_absolute_url()}"' in html], html

    def positions(html, names):
        return sorted(names, key=lambda n: html.index(f'href="{made[n].get_absolute_url()}"'))

    names, html = order_on("")
    assert positions(html, names) == ["newest pending", "new pending", "mid pending"]
    assert "Page 1 of 3" in html and "page=2" in html
    names, html = order_on("?page=2")
    assert positions(html, names) == ["old pending", "new approved", "mid approved"]
    names, html = order_on("?page=3")
    assert names == ["old refused"]
    names, html = order_on("?status=approved")
    assert positions(html, names) == ["new approved", "mid approved"] and "Page" not in html
    monkeypatch.setattr(views, "QUEUE_PER_PAGE", 1)
    _names, html = order_on("?status=approved")
    assert 'href="?status=approved&amp;page=2"' in html

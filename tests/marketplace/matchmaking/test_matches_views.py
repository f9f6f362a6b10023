"""The matches pages: only signed-in buyers; suppliers for you from the profile; a need from query
parameters; feedback takes a supplier out of that buyer's matches only."""

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.companies.models import CompanyKind
from marketplace.core.models import AuditEvent
from marketplace.matchmaking import ranking_signals
from marketplace.matchmaking.models import FeedbackKind, MatchFeedback
from tests.marketplace.catalog.factories import CertificationFactory, ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory
from tests.marketplace.deals.factories import DealFactory
from tests.marketplace.matchmaking.factories_matches import FairPresenceFactory

pytestmark = pytest.mark.django_db

URL = "/matches/"


@pytest.fixture
def market():
    """Two machine makers (one with CE, at the next fair) and a furniture maker."""
    ce = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Hengtai Machinery", slug="hengtai")
    plain = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Plain Machines", slug="plain")
    desks = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Desk Works", slug="desks")
    p = ProductFactory(supplier=ce, name="Injection moulding machine", name_zh="注塑机", hs_code="847710")
    CertificationFactory(product=p, standard="CE")
    ProductFactory(supplier=plain, name="Injection moulding machine", hs_code="847710")
    ProductFactory(supplier=desks, name="Office desk", hs_code="940360")
    FairPresenceFactory(company=ce)
    ranking_signals.refresh_all()
    return {"ce": ce, "plain": plain, "desks": desks}


def names(response) -> list[str]:
    return [m.supplier.slug for m in response.context["matches"]]


def test_url_name():
    assert reverse("matches:match_list") == URL


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert (
        client.post(reverse("matches:match_feedback"), {"supplier": "x", "kind": "declined"}).status_code
        == 302
    )


def test_suppliers_and_partners_are_refused(client, supplier_owner, market):
    client.force_login(supplier_owner)
    assert client.get(URL).status_code == 403
    response = client.post(reverse("matches:match_feedback"), {"supplier": "plain", "kind": "declined"})
    assert response.status_code == 403
    assert not MatchFeedback.objects.exists()
    bank = MembershipFactory(company=CompanyFactory(kind=CompanyKind.BANK)).user
    client.force_login(bank)
    assert client.get(URL).status_code == 403


def test_need_from_query_parameters_ranks_with_reasons(client, buyer_owner, market):
    client.force_login(buyer_owner)
    response = client.get(URL, {"q": "injection moulding machine", "hs": "8477.10", "cert": "CE"})
    assert response.status_code == 200
    assert names(response) == ["hengtai", "plain"]
    page = response.content.decode()
    assert "holds CE as required" in page
    assert "exhibits at Hall 11.2, booth 11.2 C15, in the 140th Session" in page
    assert "holds none of CE" in page  # the plain maker's caution


def test_bad_need_shows_the_error_and_no_matches(client, buyer_owner, market):
    client.force_login(buyer_owner)
    response = client.get(URL, {"hs": "x", "quantity": "0"})
    assert response.status_code == 200
    assert response.context["matches"] == []
    assert set(response.context["form"].errors) == {"hs", "quantity"}


def test_suppliers_for_you_from_past_deals(client, buyer_owner, market):
    buyer = buyer_owner.membership.company
    DealFactory(buyer=buyer, supplier=market["plain"], product=market["plain"].products.get())
    client.force_login(buyer_owner)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["for_you"]
    assert set(names(response)) == {"hengtai", "plain"}
    assert "Suppliers for you" in response.content.decode()


def test_feedback_drops_a_supplier_for_this_buyer_only_and_can_be_undone(client, buyer_owner, market):
    client.force_login(buyer_owner)
    need = {"q": "injection moulding machine"}
    back = URL + "?q=injection+moulding+machine"
    response = client.post(
        reverse("matches:match_feedback"), {"supplier": "hengtai", "kind": "met_before", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert names(client.get(URL, need)) == ["plain"]
    feedback = MatchFeedback.objects.get()
    assert (feedback.buyer, feedback.kind, feedback.by_user) == (
        buyer_owner.membership.company,
        FeedbackKind.MET_BEFORE,
        buyer_owner,
    )
    assert AuditEvent.objects.filter(action="matchmaking.match.feedback").exists()
    # Another buyer still sees it.
    other = MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER)).user
    client.force_login(other)
    assert "hengtai" in names(client.get(URL, need))
    client.force_login(buyer_owner)
    client.post(reverse("matches:match_feedback"), {"supplier": "hengtai", "kind": "restore"})
    assert names(client.get(URL, need))[0] == "hengtai"


def test_feedback_refuses_foreign_redirects_and_unknown_suppliers(client, buyer_owner, market):
    client.force_login(buyer_owner)
    response = client.post(
        reverse("matches:match_feedback"),
        {"supplier": "plain", "kind": "declined", "next": "https://evil.example/"},
    )
    assert response["Location"] == URL
    assert (
        client.post(reverse("matches:match_feedback"), {"supplier": "nobody", "kind": "declined"}).status_code
        == 404
    )
    buyer = CompanyFactory(kind=CompanyKind.BUYER, slug="a-buyer")
    assert (
        client.post(
            reverse("matches:match_feedback"), {"supplier": buyer.slug, "kind": "declined"}
        ).status_code
        == 404
    )


def test_page_in_chinese(client, buyer_owner, market):
    client.force_login(buyer_owner)
    try:
        response = client.get(URL, {"q": "注塑机", "cert": "CE"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        page = response.content.decode()
    finally:
        translation.activate("en")
    assert names(response) == ["hengtai"]
    assert "按您的需求排序的供应商" in page and "持有所需的CE认证" in page
    assert "参展140th Session" in page or "参展第140届" in page


def test_query_count_does_not_grow_with_the_matches(
    client, buyer_owner, market, django_assert_max_num_queries
):
    """A fixed number of queries however many suppliers match (candidates, text, fair, signals, companies)."""
    for n in range(15):
        company = CompanyFactory(kind=CompanyKind.SUPPLIER)
        ProductFactory(supplier=company, name=f"Injection moulding machine {n}", hs_code="847710")
        FairPresenceFactory(company=company)
    ranking_signals.refresh_all()
    client.force_login(buyer_owner)
    with django_assert_max_num_queries(16):
        response = client.get(URL, {"q": "injection moulding machine", "hs": "847710", "cert": "CE"})
    assert len(response.context["matches"]) == 17


def test_an_rfq_of_the_buyer_ranks_suppliers_for_what_it_asks(client, buyer_owner, market):
    from tests.marketplace.matchmaking.factories_rfq import RfqFactory

    rfq = RfqFactory(
        buyer=buyer_owner.company,
        created_by=buyer_owner,
        title="Injection moulding machine",
        description="Injection moulding machines for PP housings.",
        certifications=["CE"],
    )
    client.force_login(buyer_owner)
    response = client.get(URL, {"rfq": rfq.pk})
    assert response.status_code == 200 and response.context["for_you"] is False
    ranked = names(response)
    # Machines first, the one holding the CE the RFQ requires ahead; the furniture maker is no match.
    assert ranked[:2] == ["hengtai", "plain"] and "desks" not in ranked[:2]
    assert rfq.title in response.content.decode()
    # The RFQ page links here.
    detail = client.get(reverse("rfq:rfq_detail", args=[rfq.pk])).content.decode()
    assert f"{URL}?rfq={rfq.pk}" in detail


def test_another_buyers_rfq_is_a_404(client, buyer_owner, market):
    from tests.marketplace.matchmaking.factories_rfq import RfqFactory

    other = RfqFactory()  # another buyer's request
    client.force_login(buyer_owner)
    assert client.get(URL, {"rfq": other.pk}).status_code == 404


def test_an_rfq_id_that_is_no_id_is_a_404_not_suppliers_for_you(client, buyer_owner, market):
    client.force_login(buyer_owner)
    assert client.get(URL, {"rfq": "abc"}).status_code == 404
    assert client.get(URL, {"rfq": ""}).status_code == 404


def test_an_unknown_choice_is_an_error_on_the_open_form_not_an_ignored_filter(client, buyer_owner, market):
    client.force_login(buyer_owner)
    response = client.get(URL, {"q": "pumps", "unit": "parsec", "cert": "NOPE"})
    html = response.content.decode()
    assert response.context["matches"] == []
    assert set(response.context["form"].errors) == {"unit", "cert"}
    assert '<details class="card need-form" open>' in html and "Select a valid choice" in html

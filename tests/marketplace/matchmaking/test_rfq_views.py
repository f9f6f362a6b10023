"""RFQ pages: an invited-only request is a 404 for every other principal; the inbox ranks; the forms show
field errors and write nothing; the comparison and acceptance walk from the pages; both languages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.companies.models import CompanyKind, MemberRole, PlatformRole
from marketplace.deals.models import Deal
from marketplace.matchmaking import rfq_selectors as selectors
from marketplace.matchmaking import rfq_services as services
from marketplace.matchmaking.models import Quotation, Rfq
from tests.marketplace.catalog.factories import ChapterFactory
from tests.marketplace.companies.factories import (
    CompanyFactory,
    MembershipFactory,
    UserFactory,
    buyer_member,
    supplier_member,
)
from tests.marketplace.matchmaking.factories_rfq import (
    PDF,
    TIERS,
    quotation_data,
    rfq_data,
    verified_supplier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en")


@pytest.fixture
def world():
    chapter = ChapterFactory()
    buyer = buyer_member()
    invited = verified_supplier(chapter=chapter, certifications=["CE"])
    data = rfq_data(chapter, title="SECRET-INVITED-ONLY")
    data["visibility"] = "invited"
    rfq = services.post_rfq(
        buyer=buyer.membership.company,
        by_user=buyer,
        data=data,
        invited=[invited.membership.company],
        uploads=[SimpleUploadedFile("spec.pdf", PDF)],
    )
    quotation = services.submit_quotation(rfq=rfq, by_user=invited, data=quotation_data(), tiers=TIERS)
    bank = CompanyFactory(kind=CompanyKind.BANK, name="Harbour Bank")
    partner = UserFactory(platform_role=PlatformRole.RISK_OFFICER)
    MembershipFactory(company=bank, user=partner, role=MemberRole.STAFF)
    return {
        "chapter": chapter,
        "rfq": rfq,
        "quotation": quotation,
        "buyer": buyer,
        "invited": invited,
        "others": {
            "other supplier in the chapter": verified_supplier(chapter=chapter),
            "other buyer": buyer_member(),
            "partner risk officer": partner,
            "operator": UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True),
            "no company": UserFactory(),
            "anonymous": None,
        },
    }


def _urls(w):
    rfq, q = w["rfq"], w["quotation"]
    return [
        reverse("rfq:rfq_detail", args=[rfq.pk]),
        reverse("rfq:rfq_file", args=[rfq.pk, rfq.attachments.get().pk]),
        reverse("rfq:quotation_create", args=[rfq.pk]),
        reverse("rfq:compare", args=[rfq.pk]),
        reverse("rfq:rfq_edit", args=[rfq.pk]),
        reverse("rfq:quotation_detail", args=[rfq.pk, q.pk]),
    ]


def test_an_invited_only_rfq_is_a_404_for_every_other_principal(client, world):
    for who, user in world["others"].items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in _urls(world):
            response = client.get(url)
            assert response.status_code == 404, f"{who} got {response.status_code} at {url}"
            assert b"SECRET-INVITED-ONLY" not in response.content
        post = client.post(
            reverse("rfq:quotation_decide", args=[world["rfq"].pk, world["quotation"].pk, "accept"])
        )
        assert post.status_code in (404, 302) and not Deal.objects.exists(), who
        if user is not None:
            inbox = client.get(reverse("rfq:inbox"))
            assert b"SECRET-INVITED-ONLY" not in inbox.content


def test_the_invited_supplier_and_the_buyer_see_it(client, world):
    client.force_login(world["invited"])
    assert client.get(reverse("rfq:rfq_detail", args=[world["rfq"].pk])).status_code == 200
    inbox = client.get(reverse("rfq:inbox"))
    assert b"SECRET-INVITED-ONLY" in inbox.content
    client.force_login(world["buyer"])
    for url in _urls(world):
        if "quote" in url:
            continue
        assert client.get(url).status_code == 200, url


def test_a_category_rfq_needs_a_verified_supplier_in_the_chapter(client):
    chapter = ChapterFactory()
    buyer = buyer_member()
    rfq = services.post_rfq(buyer=buyer.membership.company, by_user=buyer, data=rfq_data(chapter))
    url = reverse("rfq:rfq_detail", args=[rfq.pk])
    client.force_login(supplier_member())  # unverified, no products
    assert client.get(url).status_code == 404
    client.force_login(verified_supplier(chapter=ChapterFactory(code="85", name="Electrical")))
    assert client.get(url).status_code == 404
    client.force_login(verified_supplier(chapter=chapter))
    assert client.get(url).status_code == 200


def test_the_inbox_ranks_by_category_fit_certifications_and_recency(client):
    chapter = ChapterFactory()
    buyer = buyer_member()
    company = buyer.membership.company
    supplier = verified_supplier(chapter=chapter, certifications=["CE"])
    fits = services.post_rfq(
        buyer=company, by_user=buyer, data=rfq_data(chapter, title="Fits", certifications=["CE"])
    )
    lacks = services.post_rfq(
        buyer=company, by_user=buyer, data=rfq_data(chapter, title="Lacks", certifications=["RoHS"])
    )
    older = services.post_rfq(
        buyer=company, by_user=buyer, data=rfq_data(chapter, title="Older", certifications=["CE"])
    )
    Rfq.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=20))
    rows = selectors.inbox(supplier.membership.company)
    assert [r.rfq.pk for r in rows] == [fits.pk, older.pk, lacks.pk]
    assert rows[2].certs_missing == ["RoHS"]
    client.force_login(supplier)
    page = client.get(reverse("rfq:inbox")).content.decode()
    assert page.index("Fits") < page.index("Older") < page.index("Lacks")
    assert "Germany" in page  # the buyer's country
    # A supplier that serves other markets only sees no category-wide request for Germany.
    from marketplace.matchmaking.models import SourcingProfile

    SourcingProfile.objects.create(company=supplier.membership.company, markets=["US"])
    assert selectors.inbox(supplier.membership.company) == []


def _form(chapter, **overrides):
    data = {
        "title": "Ball valves",
        "description": "",
        "category": chapter.pk,
        "quantity": "500",
        "unit": "piece",
        "target_price": "",
        "target_currency": "USD",
        "destination_country": "DE",
        "destination_port": "Hamburg",
        "incoterm": "FOB",
        "closes_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "visibility": "category",
        "quotations_wanted": "10",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": "0"}, "The quantity must be more than zero."),
        ({"target_price": "10", "target_currency": "QQQ"}, "QQQ is not an ISO 4217 currency code."),
        ({"closes_on": "2020-01-01"}, "The closing date must be after today."),
    ],
)
def test_the_form_shows_the_field_error_and_writes_nothing(client, overrides, message):
    chapter = ChapterFactory()
    client.force_login(buyer_member())
    response = client.post(reverse("rfq:rfq_create"), _form(chapter, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rfq.objects.exists()


def test_a_disguised_upload_is_refused_at_the_form(client):
    chapter = ChapterFactory()
    client.force_login(buyer_member())
    data = _form(chapter, files=SimpleUploadedFile("plan.pdf", b"GIF89a" + b"\x00" * 100))
    response = client.post(reverse("rfq:rfq_create"), data)
    assert response.status_code == 400 and "plan.pdf" in response.content.decode()
    assert not Rfq.objects.exists()


def test_posting_in_chinese_quoting_comparing_and_accepting_from_the_pages(client):
    chapter = ChapterFactory()
    buyer = buyer_member()
    supplier = verified_supplier(chapter=chapter)
    client.force_login(buyer)
    translation.activate("zh-hans")
    response = client.post(
        reverse("rfq:rfq_create"), _form(chapter, title="球阀", quantity="0"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400 and "数量必须大于零" in response.content.decode()
    response = client.post(reverse("rfq:rfq_create"), _form(chapter, title="球阀"))
    rfq = Rfq.objects.get()
    assert response.status_code == 302 and response["Location"] == rfq.get_absolute_url()
    translation.activate("en")
    client.force_login(supplier)
    form = {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Ningbo",
        "lead_time_days": "30",
        "moq": "100",
        "valid_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "payment_terms": "prepayment",
        "sample_terms": "none",
        "tier_qty_1": "1",
        "tier_price_1": "12.50",
        "tier_qty_2": "400",
        "tier_price_2": "11",
    }
    bad = client.post(reverse("rfq:quotation_create", args=[rfq.pk]), {**form, "tier_price_1": "-1"})
    assert bad.status_code == 400 and not Quotation.objects.exists()
    response = client.post(reverse("rfq:quotation_create", args=[rfq.pk]), form)
    quotation = Quotation.objects.get()
    assert response.status_code == 302 and quotation.tiers.count() == 2
    client.force_login(buyer)
    compare = client.get(reverse("rfq:compare", args=[rfq.pk]), {"currency": "CNY"})
    page = compare.content.decode()
    assert compare.status_code == 200 and "CNY" in page and "$11.00" in page
    translation.activate("zh-hans")
    zh = client.get(
        reverse("rfq:compare", args=[rfq.pk]), {"currency": "CNY"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert zh.status_code == 200 and "比较报价" in zh.content.decode()
    translation.activate("en")
    accepted = client.post(
        reverse("rfq:quotation_decide", args=[rfq.pk, quotation.pk, "accept"]), {"currency": "CNY"}
    )
    deal = Deal.objects.get()
    assert accepted.status_code == 302 and accepted["Location"] == deal.get_absolute_url()
    assert deal.offers.get().lines.get().unit_price == Decimal("11")
    assert deal.events.get(action="open").data["comparison"]["currency"] == "CNY"


def test_a_supplier_names_its_markets_and_the_inbox_follows(client):
    from marketplace.matchmaking.models import SourcingProfile

    chapter = ChapterFactory()
    buyer = buyer_member()
    services.post_rfq(
        buyer=buyer.membership.company, by_user=buyer, data=rfq_data(chapter, title="For Germany")
    )
    supplier = verified_supplier(chapter=chapter)
    client.force_login(supplier)
    assert b"For Germany" in client.get(reverse("rfq:inbox")).content
    assert client.post(reverse("rfq:profile"), {"markets": ["US", "GB"]}).status_code == 302
    assert SourcingProfile.objects.get(company=supplier.membership.company).markets == ["GB", "US"]
    assert b"For Germany" not in client.get(reverse("rfq:inbox")).content
    assert client.post(reverse("rfq:profile"), {"markets": ["ZZ"]}).status_code == 400
    client.force_login(buyer)
    assert client.get(reverse("rfq:profile")).status_code == 403


def test_the_buyer_edits_and_withdraws_from_the_pages_and_quoting_suppliers_are_told(client):
    from marketplace.notifications.models import Notification

    chapter = ChapterFactory()
    buyer = buyer_member()
    rfq = services.post_rfq(buyer=buyer.membership.company, by_user=buyer, data=rfq_data(chapter))
    supplier = verified_supplier(chapter=chapter)
    services.submit_quotation(rfq=rfq, by_user=supplier, data=quotation_data(), tiers=TIERS)
    client.force_login(buyer)
    edit = reverse("rfq:rfq_edit", args=[rfq.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, _form(chapter, title="Presses, 120 t", quantity="40"))
    assert response.status_code == 302
    rfq.refresh_from_db()
    assert (rfq.title, rfq.quantity) == ("Presses, 120 t", Decimal("40"))
    assert client.post(reverse("rfq:rfq_cancel", args=[rfq.pk])).status_code == 302
    rfq.refresh_from_db()
    assert rfq.status == "cancelled"
    assert Notification.objects.filter(recipient=supplier, title__icontains="withdrawn").exists()
    # A withdrawn request takes no quotation and no edit.
    response = client.post(edit, _form(chapter, title="Again"))
    assert response.status_code == 400
    rfq.refresh_from_db()
    assert rfq.title == "Presses, 120 t"
    client.force_login(verified_supplier(chapter=chapter))
    assert client.get(reverse("rfq:quotation_create", args=[rfq.pk])).status_code == 302


def _posts(w):
    rfq, q = w["rfq"], w["quotation"]
    return [
        reverse("rfq:rfq_edit", args=[rfq.pk]),
        reverse("rfq:rfq_cancel", args=[rfq.pk]),
        reverse("rfq:quotation_create", args=[rfq.pk]),
        reverse("rfq:quotation_revise", args=[rfq.pk, q.pk]),
        reverse("rfq:quotation_file", args=[rfq.pk, q.pk, 1]),
        *(
            reverse("rfq:quotation_decide", args=[rfq.pk, q.pk, d])
            for d in ("shortlist", "decline", "accept")
        ),
    ]


def test_every_rfq_and_quotation_url_is_the_same_404_for_who_may_not_know_the_object(client, world):
    """One rule (README, rfq_permissions): a principal who may not see the request or the quotation gets
    a 404 on every URL under it, GET and POST alike, never a 403 or a redirect that tells it exists."""
    rfq, q = world["rfq"], world["quotation"]
    for who, user in world["others"].items():
        client.logout()
        if user is not None:
            client.force_login(user)
        # GET where a page answers it (a POST-only URL refuses GET with 405 for any id), POST everywhere.
        for method, url in [
            *((client.get, u) for u in _urls(world)),
            *((client.post, u) for u in _posts(world)),
        ]:
            response = method(url, {"reason": "x", "currency": "USD"})
            assert response.status_code == 404, f"{who}: {method.__name__} {url} → {response.status_code}"
    rfq.refresh_from_db()
    q.refresh_from_db()
    assert rfq.status == "open" and q.status == "submitted" and not Deal.objects.exists()


def test_who_sees_the_request_but_not_the_part_gets_the_same_404(client, world):
    """The invited supplier sees the request but not the buyer's comparison or controls; the buyer sees
    the quotation but does not quote or revise; a second quoting supplier never sees the first one's."""
    rfq, q = world["rfq"], world["quotation"]
    second = verified_supplier(chapter=world["chapter"])
    rfq.invited.add(second.membership.company)
    services.submit_quotation(rfq=rfq, by_user=second, data=quotation_data(), tiers=TIERS)
    cases = {
        world["invited"]: [
            reverse("rfq:compare", args=[rfq.pk]),
            reverse("rfq:rfq_edit", args=[rfq.pk]),
            reverse("rfq:rfq_cancel", args=[rfq.pk]),
            *(reverse("rfq:quotation_decide", args=[rfq.pk, q.pk, d]) for d in ("shortlist", "accept")),
        ],
        world["buyer"]: [
            reverse("rfq:quotation_create", args=[rfq.pk]),
            reverse("rfq:quotation_revise", args=[rfq.pk, q.pk]),
        ],
        second: [
            reverse("rfq:quotation_detail", args=[rfq.pk, q.pk]),
            reverse("rfq:quotation_revise", args=[rfq.pk, q.pk]),
            reverse("rfq:quotation_file", args=[rfq.pk, q.pk, 1]),
        ],
    }
    for user, urls in cases.items():
        client.force_login(user)
        for url in urls:
            methods = (
                (client.post,)
                if "cancel" in url or url.endswith(("shortlist/", "accept/"))
                else (client.get, client.post)
            )
            for method in methods:
                response = method(url, {"reason": "x"})
                assert response.status_code == 404, (
                    f"{user.email}: {method.__name__} {url} → {response.status_code}"
                )
    q.refresh_from_db()
    rfq.refresh_from_db()
    assert q.status == "submitted" and rfq.status == "open"

"""The financing pages: who sees what (everyone else gets a 404), errors at their field, both languages."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from marketplace.financing import services
from marketplace.financing.models import ApplicationStatus, FinancingApplication
from tests.marketplace.companies.factories import PASSWORD
from tests.marketplace.financing.conftest import grade, ordered_deal

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.logout()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)


def test_the_deal_page_offers_financing_to_its_supplier_only(client, world):
    url = reverse("financing:application_create", args=[world["deal"].pk])
    sign_in(client, world["supplier_user"])
    assert url in client.get(world["deal"].get_absolute_url()).content.decode()
    sign_in(client, world["buyer_user"])
    assert url not in client.get(world["deal"].get_absolute_url()).content.decode()


def test_the_supplier_applies_from_the_form(client, world):
    sign_in(client, world["supplier_user"])
    url = reverse("financing:application_create", args=[world["deal"].pk])
    page = client.get(url).content.decode()
    assert "100,000.00 USD" in page or "100000.00 USD" in page  # the ceiling
    assert world["bank"].name in page and world["insurer"].name not in page
    response = client.post(
        url,
        {"bank": world["bank"].pk, "amount": "90000", "currency": "usd", "term_days": "120", "note": "Steel"},
    )
    application = FinancingApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert (application.amount, application.currency, application.term_days, application.note) == (
        Decimal("90000"),
        "USD",
        120,
        "Steel",
    )
    assert application.number in client.get(reverse("financing:application_list")).content.decode()


def test_errors_show_at_their_field(client, world):
    sign_in(client, world["supplier_user"])
    url = reverse("financing:application_create", args=[world["deal"].pk])
    response = client.post(
        url, {"bank": world["bank"].pk, "amount": "100001", "currency": "USD", "term_days": "200"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "term_days" in form.errors
    response = client.post(
        url, {"bank": world["bank"].pk, "amount": "100001", "currency": "USD", "term_days": "90"}
    )
    form = response.context["form"]
    assert form.errors["amount"] == ["At most 100,000 USD: 80 % of the order's value for grade A."]
    assert 'class="field has-error"' in response.content.decode()
    assert not FinancingApplication.objects.exists()


@pytest.mark.parametrize("who", ["buyer_user", "other_supplier_user", "bank_officer", "insurer_officer"])
def test_only_the_deals_supplier_reaches_the_apply_form(client, world, who):
    sign_in(client, world[who])
    url = reverse("financing:application_create", args=[world["deal"].pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"bank": world["bank"].pk, "amount": "1000", "currency": "USD", "term_days": "30"}
        ).status_code
        == 404
    )
    assert not FinancingApplication.objects.exists()


@pytest.fixture
def application(world, apply):
    return apply(amount=Decimal("60000"))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supplier_user", 200),
        ("supplier_staff", 200),
        ("bank_officer", 200),
        ("platform_risk", 200),
        ("other_bank_officer", 404),
        ("insurer_officer", 404),
        ("buyer_user", 404),
        ("other_supplier_user", 404),
        ("operator", 404),
    ],
)
def test_who_sees_an_application(client, world, application, who, status):
    sign_in(client, world[who])
    assert client.get(application.get_absolute_url()).status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, application):
    response = client.get(application.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_bank_sees_grades_record_and_suggestion_and_decides(client, world, application):
    sign_in(client, world["bank_officer"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'id="supplier-grade"' in page and "· A<" in page  # the supplier's index and grade
    assert "· BBB<" in page  # the buyer's
    assert "100,000.00 USD" in page or "100000.00 USD" in page  # the ceiling
    assert world["deal"].number in page and 'id="terms-form"' in page
    # The bank is no party to the deal: the record's summary, not a link into the deal.
    assert world["deal"].get_absolute_url() not in page
    response = client.post(
        reverse("financing:application_decide", args=[application.pk, "approve"]),
        {"amount": "60000", "rate": "6.25", "term_days": "90"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    sign_in(client, world["supplier_user"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Approved" in page and "6.250" in page


def test_a_decision_above_the_ceiling_is_refused_at_the_amount(client, world, application):
    sign_in(client, world["bank_officer"])
    response = client.post(
        reverse("financing:application_decide", args=[application.pk, "approve"]),
        {"amount": "100000.01", "rate": "6", "term_days": "90"},
    )
    assert response.status_code == 400
    assert response.context["terms_form"].errors["amount"] == ["At most TrustFair's ceiling of 100,000 USD."]


@pytest.mark.parametrize(
    "who", ["platform_risk", "supplier_user", "other_bank_officer", "insurer_officer", "buyer_user"]
)
def test_nobody_but_the_bank_decides(client, world, application, who):
    sign_in(client, world[who])
    for decision in ("approve", "counter", "decline"):
        response = client.post(
            reverse("financing:application_decide", args=[application.pk, decision]),
            {"amount": "60000", "rate": "6", "term_days": "90", "reason": "x"},
        )
        assert response.status_code == 404
    for name in ("financing:application_disburse", "financing:repayment_create"):
        assert client.post(reverse(name, args=[application.pk]), {}).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_supplier_answers_a_counter_offer_from_the_page(client, world, application):
    services.counter(
        application=application,
        by_user=world["bank_officer"],
        amount=Decimal("50000"),
        rate=Decimal(7),
        term_days=60,
    )
    sign_in(client, world["bank_officer"])
    assert (
        client.post(reverse("financing:application_answer", args=[application.pk, "accept"])).status_code
        == 404
    )
    sign_in(client, world["supplier_user"])
    assert "Accept the counter-offer" in client.get(application.get_absolute_url()).content.decode()
    client.post(reverse("financing:application_answer", args=[application.pk, "accept"]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_the_bank_queue_holds_only_its_own_applications(client, world, application):
    sign_in(client, world["bank_officer"])
    page = client.get(reverse("financing:bank_queue")).content.decode()
    assert application.number in page and '<td class="supplier-grade">A</td>' in page
    assert (
        application.number in client.get(reverse("financing:bank_queue") + "?status=pending").content.decode()
    )
    assert (
        application.number
        not in client.get(reverse("financing:bank_queue") + "?status=approved").content.decode()
    )
    sign_in(client, world["other_bank_officer"])
    assert application.number not in client.get(reverse("financing:bank_queue")).content.decode()
    sign_in(client, world["platform_risk"])
    page = client.get(reverse("financing:bank_queue")).content.decode()
    assert application.number in page and "read-only" in page
    for who in ("insurer_officer", "supplier_user", "buyer_user"):
        sign_in(client, world[who])
        assert client.get(reverse("financing:bank_queue")).status_code == 404


def test_the_supplier_list_holds_only_its_own(client, world, application):
    sign_in(client, world["other_supplier_user"])
    assert application.number not in client.get(reverse("financing:application_list")).content.decode()
    sign_in(client, world["buyer_user"])
    assert client.get(reverse("financing:application_list")).status_code == 403


def test_the_pages_read_in_chinese(client, world, application):
    sign_in(client, world["bank_officer"])
    try:
        with translation.override("zh-hans"):
            detail = client.get(
                application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"
            ).content.decode()
            queue = client.get(
                reverse("financing:bank_queue"), HTTP_ACCEPT_LANGUAGE="zh-hans"
            ).content.decode()
        sign_in(client, world["supplier_user"])
        with translation.override("zh-hans"):
            form = client.get(
                reverse("financing:application_create", args=[world["deal"].pk]),
                HTTP_ACCEPT_LANGUAGE="zh-hans",
            ).content.decode()
    finally:
        translation.activate("en")
    assert "融资申请" in queue and "TrustFair 的建议" in detail and "申请融资" in form
    assert "TrustFair's suggestion" not in detail and "Apply for financing" not in form


def test_the_list_pages_make_the_same_queries_for_more_rows(client, world):
    def counts():
        result = []
        for user, name in (
            (world["bank_officer"], "financing:bank_queue"),
            (world["supplier_user"], "financing:application_list"),
        ):
            sign_in(client, user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            result.append(len(queries))
        return result

    def add(n):
        for _ in range(n):
            deal, _order = ordered_deal(world["buyer"], world["supplier"], amount=Decimal("1000"))
            services.apply(
                deal=deal,
                by_user=world["supplier_user"],
                bank=world["bank"],
                amount=Decimal("100"),
                currency="USD",
                term_days=30,
            )

    add(2)
    counts()  # warm the per-process caches (content types, the policy) first
    few = counts()
    add(5)
    assert counts() == few


def test_the_bank_queue_shows_each_suppliers_current_grade_read_for_the_page(client, world, application):
    """The grade is the supplier's latest assessment, for the bank's officer and the platform's read-only
    view alike; a supplier never scored shows a dash, not a grade."""
    from credit.models import Assessment

    grade(world["supplier"], "BB")  # a newer assessment than the fixture's A
    sign_in(client, world["bank_officer"])
    assert (
        '<td class="supplier-grade">BB</td>' in client.get(reverse("financing:bank_queue")).content.decode()
    )
    sign_in(client, world["platform_risk"])
    assert (
        '<td class="supplier-grade">BB</td>' in client.get(reverse("financing:bank_queue")).content.decode()
    )
    Assessment.objects.filter(subject=world["supplier"]).delete()
    page = client.get(reverse("financing:bank_queue")).content.decode()
    assert application.number in page and '<td class="supplier-grade">—</td>' in page

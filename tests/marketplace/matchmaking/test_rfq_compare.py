"""Comparing quotations: the tier for the RFQ's quantity, conversion at the rate of the right date, Incoterm
differences flagged, sorting; accepting one opens a deal with its terms as the first offer and tells the others."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marketplace.core import fx
from marketplace.core.models import FxRate
from marketplace.deals.models import DealSource, DealState, OfferStatus
from marketplace.matchmaking import rfq_selectors as selectors
from marketplace.matchmaking import rfq_services as services
from marketplace.matchmaking.models import Quotation, QuotationTier
from marketplace.notifications.models import Notification
from tests.marketplace.catalog.factories import ChapterFactory
from tests.marketplace.companies.factories import buyer_member
from tests.marketplace.matchmaking.factories_rfq import quotation_data, rfq_data, verified_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates():
    """USD and CNY per euro on two dates; the latest on or before today is the one to use."""
    today = timezone.localdate()
    old, recent = today - dt.timedelta(days=30), today - dt.timedelta(days=1)
    FxRate.objects.all().delete()
    for day, usd, cny in (
        (old, "1.00", "7.00"),
        (recent, "1.25", "8.75"),
        (today + dt.timedelta(days=5), "2", "20"),
    ):
        FxRate.objects.create(date=day, currency="USD", per_eur=Decimal(usd))
        FxRate.objects.create(date=day, currency="CNY", per_eur=Decimal(cny))
    fx.forget_rates()
    yield {"old": old, "recent": recent}
    fx.forget_rates()


@pytest.fixture
def setup():
    chapter = ChapterFactory()
    buyer = buyer_member()
    data = rfq_data(chapter, quantity="300", certifications=["CE", "RoHS"], incoterm="FOB")
    rfq = services.post_rfq(buyer=buyer.membership.company, by_user=buyer, data=data)
    cheap = verified_supplier(chapter=chapter, certifications=["CE"], name="Cheap Co")
    certified = verified_supplier(chapter=chapter, certifications=["CE", "RoHS"], name="Certified Co")
    q_cheap = services.submit_quotation(
        rfq=rfq,
        by_user=cheap,
        data=quotation_data(currency="USD", incoterm="EXW", lead_time_days=45, moq=Decimal("500")),
        tiers=[("1", "100"), ("100", "90"), ("500", "70")],
        certificate_ids=list(
            cheap.membership.company.products.first().certifications.values_list("pk", flat=True)
        ),
    )
    q_cert = services.submit_quotation(
        rfq=rfq,
        by_user=certified,
        data=quotation_data(currency="EUR", incoterm="FOB", lead_time_days=20, moq=Decimal("100")),
        tiers=[("1", "90"), ("250", "80")],
        certificate_ids=list(
            certified.membership.company.products.first().certifications.values_list("pk", flat=True)
        ),
    )
    return {
        "rfq": rfq,
        "buyer": buyer,
        "cheap": cheap,
        "certified": certified,
        "q_cheap": q_cheap,
        "q_cert": q_cert,
    }


def test_the_tier_for_the_rfqs_quantity():
    tiers = [
        QuotationTier(min_quantity=Decimal(q), unit_price=Decimal(p))
        for q, p in (("1", "10"), ("100", "9"), ("500", "8"))
    ]
    assert services.tier_for(tiers, Decimal("300")).unit_price == 9
    assert services.tier_for(tiers, Decimal("500")).unit_price == 8
    assert services.tier_for(tiers, Decimal("99.5")).unit_price == 10
    # Below every tier: the first tier prices it (the MOQ flag tells the buyer).
    assert services.tier_for(tiers[1:], Decimal("5")).unit_price == 9


def test_conversion_uses_the_rates_in_force_today_and_shows_rate_and_date(setup, rates):
    comparison = selectors.compare(setup["rfq"], currency="CNY")
    rows = {row.quotation.pk: row for row in comparison.rows}
    cheap, cert = rows[setup["q_cheap"].pk], rows[setup["q_cert"].pk]
    # 300 pieces: USD 90 tier (100+) and EUR 80 tier (250+), at yesterday's rates (not last month's, not the
    # future row): 1 EUR = 1.25 USD = 8.75 CNY, so 1 USD = 7 CNY.
    assert cheap.unit_price.amount == 90 and cheap.tier_from == 100
    assert cheap.converted.amount == Decimal("630.0000") and cheap.rate == Decimal("7")
    assert cheap.rate_dates == (rates["recent"],)
    assert cert.unit_price.amount == 80 and cert.converted.amount == Decimal("700.0000")
    assert cert.total.amount == Decimal("210000.00")
    # As of last month the older rates apply.
    old = selectors.compare(setup["rfq"], currency="CNY", on=rates["old"])
    assert {r.quotation.pk: r.converted.amount for r in old.rows}[setup["q_cheap"].pk] == Decimal("630.0000")
    assert {r.quotation.pk: r.converted.amount for r in old.rows}[setup["q_cert"].pk] == Decimal("560.0000")


def test_incoterm_differences_moq_and_certifications_are_flagged(setup, rates):
    comparison = selectors.compare(setup["rfq"], currency="USD")
    rows = {row.quotation.pk: row for row in comparison.rows}
    assert rows[setup["q_cheap"].pk].incoterm_differs and not rows[setup["q_cert"].pk].incoterm_differs
    assert comparison.mixed_incoterms and comparison.incoterms == ["EXW", "FOB"]
    assert not rows[setup["q_cheap"].pk].moq_fit and rows[setup["q_cert"].pk].moq_fit
    assert rows[setup["q_cheap"].pk].certs_missing == ["RoHS"] and rows[setup["q_cert"].pk].certs_met == [
        "CE",
        "RoHS",
    ]


def test_sorting(setup, rates):
    def order(sort):
        return [r.quotation.pk for r in selectors.compare(setup["rfq"], currency="USD", sort=sort).rows]

    cheap, cert = setup["q_cheap"].pk, setup["q_cert"].pk
    assert order("price") == [cheap, cert]  # USD 90 vs EUR 80 = USD 100
    assert order("lead_time") == [cert, cheap]
    assert order("moq") == [cert, cheap]
    assert order("certifications") == [cert, cheap]
    assert order("incoterm") == [cert, cheap]  # the asked-for Incoterm first


def test_shortlist_and_decline_with_a_reason_the_supplier_sees(setup):
    buyer = setup["buyer"]
    services.shortlist(quotation=setup["q_cert"], by_user=buyer)
    with pytest.raises(ValidationError):
        services.decline(quotation=setup["q_cheap"], by_user=buyer, reason=" ")
    services.decline(quotation=setup["q_cheap"], by_user=buyer, reason="EXW does not suit us")
    q = Quotation.objects.get(pk=setup["q_cheap"].pk)
    assert q.status == "declined" and q.decline_reason == "EXW does not suit us"
    note = Notification.objects.get(recipient=setup["cheap"], title__icontains="declined")
    assert "EXW does not suit us" in note.body
    with pytest.raises(PermissionDenied):
        services.shortlist(quotation=setup["q_cheap"], by_user=setup["certified"])


def test_accepting_opens_a_deal_with_the_quotations_terms_and_tells_the_others(
    setup, rates, django_capture_on_commit_callbacks
):
    buyer, rfq = setup["buyer"], setup["rfq"]
    with django_capture_on_commit_callbacks(execute=True):
        deal = services.accept(
            quotation=setup["q_cert"],
            by_user=buyer,
            conversion=selectors.conversion_of(setup["q_cert"], "CNY"),
        )
    assert deal.state == DealState.NEGOTIATION and deal.source_kind == DealSource.RFQ
    assert deal.buyer == buyer.membership.company and deal.supplier == setup["certified"].membership.company
    offer = deal.offers.get()
    assert offer.status == OfferStatus.OPEN and offer.from_side == "supplier"
    assert (offer.currency, offer.incoterm, offer.named_place, offer.lead_time_days) == (
        "EUR",
        "FOB",
        "Ningbo",
        20,
    )
    assert offer.payment_terms == "prepayment" and offer.valid_until == setup["q_cert"].valid_until
    line = offer.lines.get()
    assert (line.quantity, line.unit, line.unit_price) == (Decimal("300"), "piece", Decimal("80"))
    opening = deal.events.get(action="open").data
    assert opening["rfq"] == rfq.pk and opening["comparison"]["rate"] and opening["comparison"]["rate_dates"]
    rfq.refresh_from_db()
    assert rfq.status == "awarded"
    assert Quotation.objects.get(pk=setup["q_cert"].pk).deal == deal
    assert Quotation.objects.get(pk=setup["q_cheap"].pk).status == "not_chosen"
    assert Notification.objects.filter(
        recipient=setup["cheap"], title__icontains="another quotation"
    ).exists()
    assert Notification.objects.filter(recipient=setup["certified"], title__icontains="accepted").exists()
    # Only one quotation is ever accepted.
    with pytest.raises(ValidationError):
        services.accept(quotation=setup["q_cheap"], by_user=buyer)


def test_only_the_buyer_accepts_and_not_an_expired_quotation(setup):
    with pytest.raises(PermissionDenied):
        services.accept(quotation=setup["q_cert"], by_user=setup["certified"])
    with pytest.raises(PermissionDenied):
        services.accept(quotation=setup["q_cert"], by_user=buyer_member())
    Quotation.objects.filter(pk=setup["q_cert"].pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.accept(quotation=setup["q_cert"], by_user=setup["buyer"])
    assert not Quotation.objects.filter(deal__isnull=False).exists()


def test_need_of_is_the_ranking_input(setup):
    need = selectors.need_of(setup["rfq"])
    assert need == {
        "text": "Hydraulic presses 100 t\nFor sheet metal.",
        "hs_code": "84",
        "quantity": Decimal("300"),
        "unit": "piece",
        "target_price": need["target_price"],
        "destination_country": "DE",
        "incoterm": "FOB",
        "certifications": ["CE", "RoHS"],
    }
    assert (need["target_price"].amount, need["target_price"].currency) == (Decimal("90"), "USD")


def test_fair_presence_shows_and_sorts_exhibitors_first(setup, rates, client):
    """A supplier with a booth in the current or next session shows it; a past session's booth does not."""
    from tests.marketplace.matchmaking.factories_matches import FairPresenceFactory

    today = timezone.localdate()
    cert_company = setup["certified"].membership.company
    cheap_company = setup["cheap"].membership.company
    FairPresenceFactory(
        company=cert_company,
        session_key="next",
        session_name="Spring session",
        starts_on=today + dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=45),
        booth="11.2 B-07",
    )
    FairPresenceFactory(
        company=cheap_company,
        session_key="past",
        session_name="Last autumn",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=55),
    )
    comparison = selectors.compare(setup["rfq"], currency="USD", sort="fair")
    assert [r.quotation.pk for r in comparison.rows] == [setup["q_cert"].pk, setup["q_cheap"].pk]
    assert comparison.rows[0].fair.booth == "11.2 B-07" and comparison.rows[1].fair is None
    client.force_login(setup["buyer"])
    page = client.get(f"/sourcing/{setup['rfq'].pk}/compare/?currency=USD&sort=fair").content.decode()
    assert "Spring session" in page and "11.2 B-07" in page and "Last autumn" not in page


def _compare_page(client, setup, language="en", **params) -> str:
    from django.utils import translation

    client.force_login(setup["buyer"])
    query = {"currency": "USD", **params}
    try:
        return client.get(
            f"/sourcing/{setup['rfq'].pk}/compare/", query, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    finally:
        translation.activate("en")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_comparison_writes_money_with_thousands_separators(setup, rates, client, language):
    """Cheap Co: 90 USD a piece (tier from 100) × 300 = 27,000.00; Certified Co: EUR 80 at 1.25 = 100.00,
    30,000.00 in all. In both languages as CLDR writes money (`core.money.format_money`): Django's own
    zh-hans number format would drop the grouping."""
    page = _compare_page(client, setup, language)
    assert "27,000.00" in page and "30,000.00" in page
    assert "27000" not in page and "30000" not in page
    dollar = "US$" if language == "zh-hans" else "$"
    assert f"{dollar}27,000.00" in page and f"{dollar}90.00" in page and "€80.00" in page


def test_the_comparison_names_its_rate_date_and_warns_when_the_rates_are_old(setup, rates, client):
    page = _compare_page(client, setup)
    assert f"Newest rate used: {rates['recent']:%Y-%m-%d}." in page
    assert "fx-stale" not in page
    FxRate.objects.filter(date__gt=rates["old"]).delete()
    fx.forget_rates()
    comparison = selectors.compare(setup["rfq"], currency="USD")
    assert comparison.rate_date == rates["old"] and comparison.rates_stale
    page = _compare_page(client, setup)
    assert "fx-stale" in page
    assert f"The exchange rates are from {rates['old']:%Y-%m-%d}, more than 7 days old" in page
    zh = _compare_page(client, setup, "zh-hans")
    assert f"汇率日期为 {rates['old']:%Y-%m-%d}，已超过 7 天" in zh


def test_the_response_time_is_honest_not_zero_hours(setup, rates, client):
    """Quoted within minutes of the posting: "under 1 h", never "0.0 h"; later ones in hours, then days."""
    page = _compare_page(client, setup)
    assert "0.0 h" not in page and "under 1 h" in page
    posted = setup["rfq"].created_at
    Quotation.objects.filter(pk=setup["q_cheap"].pk).update(
        submitted_at=posted + dt.timedelta(hours=5, minutes=10)
    )
    Quotation.objects.filter(pk=setup["q_cert"].pk).update(
        submitted_at=posted + dt.timedelta(days=3, hours=1)
    )
    rows = {r.quotation.pk: r for r in selectors.compare(setup["rfq"], currency="USD", sort="response").rows}
    assert list(rows) == [setup["q_cheap"].pk, setup["q_cert"].pk]
    page = _compare_page(client, setup)
    assert ">5 h<" in page and ">3 days<" in page and "under 1 h" not in page
    assert "3 天" in _compare_page(client, setup, "zh-hans")


def test_quantities_show_without_padding_zeros_or_exponents(setup, rates, client):
    """The MOQ column is "500", not "500.000"; the quote form's MOQ is the RFQ's quantity as typed ("300"),
    and a quantity of 1000 never turns into normalize()'s "1E+3"."""
    from marketplace.matchmaking.templatetags.rfq_tags import quantity

    page = _compare_page(client, setup)
    assert ">500 <span" in page and "500.000" not in page and "300.000" not in page
    assert quantity(Decimal("1000.000")) == "1,000" and quantity(Decimal("0.0125")) == "0.0125"
    supplier = verified_supplier(chapter=setup["rfq"].category, name="Third Co")
    client.force_login(supplier)
    form = client.get(f"/sourcing/{setup['rfq'].pk}/quote/").content.decode()
    assert 'name="moq" value="300"' in form
    client.force_login(setup["cheap"])
    revise = client.get(setup["q_cheap"].get_absolute_url() + "revise/").content.decode()
    assert 'name="moq" value="500"' in revise and "500.000" not in revise

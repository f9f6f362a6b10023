"""The exhibitor's pipeline (list, detail, export, convert) and the scanned buyer's side, each page tried
by the principals who must not use it: another exhibitor (404), the buyer, anonymous (login)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from marketplace.companies.models import CompanyKind, MemberRole
from marketplace.deals.models import Deal
from marketplace.fairs import leads_services
from marketplace.fairs.models import Lead, LeadStatus
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory
from tests.marketplace.fairs.factories import BadgeFactory, FairSessionFactory, RegistrationFactory
from tests.marketplace.fairs.factories_exhibitors import approved_exhibitor
from tests.marketplace.fairs.factories_leads import LeadFactory

NOTES = "SECRET-NOTES-ALPHA"


@pytest.fixture
def world(db):
    session = FairSessionFactory(slug="canton-140")
    alpha = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Alpha Machinery")
    bravo = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Bravo Tools")
    approved_exhibitor(session=session, company=alpha)
    approved_exhibitor(session=session, company=bravo)
    buyer_company = CompanyFactory(kind=CompanyKind.BUYER, name="Delta Trading", slug="delta-trading")
    buyer = MembershipFactory(company=buyer_company).user
    registration = RegistrationFactory(
        session=session, user=buyer, company=buyer_company, full_name="Anna Weber", email="anna@delta.test"
    )
    lead = LeadFactory(
        company=alpha, badge=BadgeFactory(registration=registration), notes=NOTES, rating="hot"
    )
    return {
        "session": session,
        "lead": lead,
        "alpha_staff": MembershipFactory(company=alpha, role=MemberRole.STAFF).user,
        "bravo_owner": MembershipFactory(company=bravo).user,
        "buyer": buyer,
        "buyer_company": buyer_company,
    }


def test_exhibitor_lists_filters_and_edits_its_leads(world, client):
    client.force_login(world["alpha_staff"])
    lead = world["lead"]
    page = client.get(reverse("leads:lead_list"), {"session": "canton-140", "rating": "hot"})
    assert page.status_code == 200 and "Anna Weber" in page.content.decode()
    assert "Anna Weber" not in client.get(reverse("leads:lead_list"), {"rating": "cold"}).content.decode()
    assert "Anna Weber" not in client.get(reverse("leads:lead_list"), {"status": "closed"}).content.decode()
    detail = client.get(reverse("leads:lead_detail", kwargs={"pk": lead.pk}))
    assert NOTES in detail.content.decode()
    assert "with=delta-trading" in detail.content.decode()
    saved = client.post(
        reverse("leads:lead_detail", kwargs={"pk": lead.pk}),
        {"notes": "Call after the fair", "rating": "warm", "status": "contacted"},
    )
    assert saved.status_code == 302
    lead.refresh_from_db()
    assert (lead.notes, lead.rating, lead.status) == ("Call after the fair", "warm", "contacted")


def test_another_exhibitor_never_sees_the_leads(world, client):
    client.force_login(world["bravo_owner"])
    lead = world["lead"]
    assert client.get(reverse("leads:lead_detail", kwargs={"pk": lead.pk})).status_code == 404
    assert (
        client.post(reverse("leads:lead_detail", kwargs={"pk": lead.pk}), {"notes": "x"}).status_code == 404
    )
    assert client.post(reverse("leads:convert", kwargs={"pk": lead.pk})).status_code == 404
    for fmt in ("", "csv"):
        body = client.get(reverse("leads:lead_list"), {"format": fmt} if fmt else {}).content
        assert b"Anna Weber" not in body and NOTES.encode() not in body
    lead.refresh_from_db()
    assert lead.notes == NOTES and lead.deal is None


def test_the_buyer_sees_who_scanned_but_not_notes_or_rating(world, client):
    client.force_login(world["buyer"])
    mine = client.get(reverse("leads:mine")).content.decode()
    assert "Alpha Machinery" in mine
    assert NOTES not in mine and "Hot" not in mine
    lead = world["lead"]
    assert client.get(reverse("leads:lead_detail", kwargs={"pk": lead.pk})).status_code == 403
    assert client.get(reverse("leads:lead_list")).status_code == 403
    # another buyer cannot withdraw this buyer's consent
    other = MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER)).user
    client.force_login(other)
    assert client.post(reverse("leads:withdraw", kwargs={"pk": lead.pk})).status_code == 404
    assert "Alpha Machinery" not in client.get(reverse("leads:mine")).content.decode()


def test_anonymous_is_sent_to_login(world, client):
    lead = world["lead"]
    for url in (
        reverse("leads:lead_list"),
        reverse("leads:lead_detail", kwargs={"pk": lead.pk}),
        reverse("leads:mine"),
        reverse("leads:capture", kwargs={"slug": "canton-140"}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_withdrawn_consent_marks_the_lead_blocks_conversion_and_strips_export(world, client):
    lead = world["lead"]
    client.force_login(world["buyer"])
    assert client.post(reverse("leads:withdraw", kwargs={"pk": lead.pk})).status_code == 302
    lead.refresh_from_db()
    assert lead.consent_withdrawn
    client.force_login(world["alpha_staff"])
    detail = client.get(reverse("leads:lead_detail", kwargs={"pk": lead.pk})).content.decode()
    assert (
        "No follow-up" in detail and "anna@delta.test" not in detail and "Turn into an inquiry" not in detail
    )
    client.post(reverse("leads:convert", kwargs={"pk": lead.pk}))
    assert not Deal.objects.exists()
    exported = client.get(reverse("leads:lead_list"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    assert len(rows) == 2 and "Anna Weber" not in exported and "anna@delta.test" not in exported
    assert rows[1][4] == "Delta Trading" and rows[1][8] == "no follow-up"


def test_export_csv_and_xlsx(world, client):
    client.force_login(world["alpha_staff"])
    csv_body = client.get(reverse("leads:lead_list"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_body)))
    assert rows[1][2:4] == ["Anna Weber", "anna@delta.test"] and rows[1][9] == NOTES
    xlsx = client.get(reverse("leads:lead_list"), {"format": "xlsx", "rating": "hot"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 2 and sheet.cell(2, 3).value == "Anna Weber"


def test_turn_a_lead_into_an_inquiry_once(world, client, django_capture_on_commit_callbacks):
    client.force_login(world["alpha_staff"])
    lead = world["lead"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("leads:convert", kwargs={"pk": lead.pk}))
    deal = Deal.objects.get()
    assert response["Location"] == deal.get_absolute_url()
    assert deal.buyer == world["buyer_company"] and deal.supplier == lead.company
    assert deal.source_kind == "fair_lead" and deal.source_reference == f"lead-{lead.pk}"
    # Opened by the exhibitor's staff, on the exhibitor's side of the record; its private notes stay out.
    opening = deal.events.get(seq=1)
    assert opening.actor_user == world["alpha_staff"] and opening.actor_company_id == lead.company_id
    assert deal.created_by == world["alpha_staff"]
    assert NOTES not in str(opening.data) and not deal.messages.filter(body__contains=NOTES).exists()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.deal == deal
    assert leads_services.convert_to_inquiry(lead=lead, by_user=world["alpha_staff"]) == deal
    assert Deal.objects.count() == 1


def test_a_walk_in_without_an_account_cannot_be_converted(world):
    session = world["session"]
    walk_in = RegistrationFactory(
        session=session,
        user=None,
        company=None,
        company_name="Walk-in GmbH",
        full_name="Ben",
        email="",
        country="DE",
    )
    lead = LeadFactory(company=world["lead"].company, badge=BadgeFactory(registration=walk_in))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        leads_services.convert_to_inquiry(lead=lead, by_user=world["alpha_staff"])
    assert Lead.objects.get(pk=lead.pk).deal is None


def test_capture_page_in_both_languages_and_its_service_worker(world, client):
    from django.utils import translation

    url = reverse("leads:capture", kwargs={"slug": "canton-140"})
    client.force_login(world["buyer"])
    assert client.get(url).status_code == 403
    client.force_login(world["alpha_staff"])
    page = client.get(url).content.decode()
    assert "Save scan" in page and "fairs/leads/vendor/jsQR.js" in page and 'capture="environment"' in page
    try:
        chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
        assert "扫描胸卡" in chinese and "保存扫描" in chinese
    finally:
        translation.activate("en")
    worker = client.get(reverse("leads:service_worker"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == reverse("leads:lead_list")
    assert b"caches.open" in worker.content


def test_capture_and_changes_are_announced_after_commit(world, django_capture_on_commit_callbacks):
    from django.dispatch import receiver

    from marketplace.fairs import badge_tokens

    heard = []

    @receiver(leads_services.lead_captured)
    def captured(sender, lead, **kwargs):
        heard.append(("captured", lead.pk))

    @receiver(leads_services.lead_changed)
    def changed(sender, lead, action, **kwargs):
        heard.append((action, lead.pk))

    try:
        badge = BadgeFactory(registration=RegistrationFactory(session=world["session"]))
        scan = {"client_id": "0b7c3a5e-5f2e-4d7a-9a43-6a3c3e1f0d11", "code": badge_tokens.token_for(badge)}
        with django_capture_on_commit_callbacks(execute=True):
            [result] = leads_services.upload_scans(
                session=world["session"], by_user=world["alpha_staff"], scans=[scan]
            )
        with django_capture_on_commit_callbacks(execute=True):
            leads_services.update_lead(lead=world["lead"], by_user=world["alpha_staff"], rating="cold")
        assert heard == [("captured", result["lead"]), ("update", world["lead"].pk)]
    finally:
        leads_services.lead_captured.disconnect(captured)
        leads_services.lead_changed.disconnect(changed)

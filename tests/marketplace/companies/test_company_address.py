"""The registered address: edited by the company's owners through the profile service (audited, announced),
refused to everyone else, bad input told at the field, shown on the company page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from marketplace.companies import services, signals
from marketplace.companies.models import Company
from marketplace.core.models import AuditEvent
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def profile(company, **changes):
    """The profile form's fields as the company has them, with `changes`."""
    data = {
        "name": company.name,
        "name_zh": company.name_zh,
        "kind": company.kind,
        "country": str(company.country),
        "city": company.city,
        "street_line1": company.street_line1,
        "street_line2": company.street_line2,
        "postal_code": company.postal_code,
        "address_zh": company.address_zh,
        "industry": company.industry_id,
        "registration_number": company.registration_number,
        "website": company.website,
        "founded_year": company.founded_year or "",
        "employees": company.employees or "",
        "description": company.description,
        "description_zh": company.description_zh,
    }
    return {**data, **changes}


def test_the_owner_sets_the_address_audited_and_announced(
    client, supplier_owner, django_capture_on_commit_callbacks
):
    company = supplier_owner.company
    heard = []

    def listener(sender, company, fields, actor, **kwargs):
        heard.append((company.pk, fields, actor.pk))

    signals.company_updated.connect(listener, dispatch_uid="test-address")
    try:
        client.force_login(supplier_owner)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("companies:company_edit"),
                profile(
                    company,
                    street_line1="No. 188 Xingye Road",
                    postal_code="315800",
                    address_zh="浙江省宁波市北仑区兴业路188号",
                ),
            )
    finally:
        signals.company_updated.disconnect(dispatch_uid="test-address")
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.street_line1, company.postal_code) == ("No. 188 Xingye Road", "315800")
    event = AuditEvent.objects.get(action="companies.company.update")
    assert event.actor_id == supplier_owner.pk and event.company_id == company.pk
    assert event.data["street_line1"] == ["", "No. 188 Xingye Road"]
    assert heard == [(company.pk, ["address_zh", "postal_code", "street_line1"], supplier_owner.pk)]
    page = client.get(company.get_absolute_url()).content.decode()
    assert "No. 188 Xingye Road" in page and "浙江省宁波市北仑区兴业路188号" in page


def test_staff_and_other_companies_cannot_change_it(supplier_owner):
    company = supplier_owner.company
    staff = MembershipFactory(company=company, role="staff").user
    stranger = MembershipFactory(company=CompanyFactory()).user
    for user in (staff, stranger):
        with pytest.raises(PermissionDenied):
            services.company_update(company=company, by_user=user, street_line1="Hijacked 1")
    company.refresh_from_db()
    assert company.street_line1 == ""
    assert not AuditEvent.objects.filter(action="companies.company.update").exists()


def test_staff_posting_the_form_changes_nothing(client, supplier_owner):
    staff = MembershipFactory(company=supplier_owner.company, role="staff").user
    client.force_login(staff)
    client.post(reverse("companies:company_edit"), profile(supplier_owner.company, street_line1="Hijacked 1"))
    assert Company.objects.get(pk=supplier_owner.company.pk).street_line1 == ""


def test_a_bad_postal_code_is_told_at_its_field_and_nothing_is_lost(client, supplier_owner):
    company = supplier_owner.company
    client.force_login(supplier_owner)
    response = client.post(
        reverse("companies:company_edit"),
        profile(company, street_line1="No. 9 Keji Road", postal_code="3" * 30),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and 'id="id_postal_code"' in html
    assert 'value="No. 9 Keji Road"' in html  # what was typed stays
    assert Company.objects.get(pk=company.pk).street_line1 == ""


def test_the_address_lines_follow_the_countrys_order():
    german = CompanyFactory(country="DE", city="Hamburg", street_line1="Am Sandtorkai 5", postal_code="20457")
    british = CompanyFactory(
        country="GB",
        city="Felixstowe",
        street_line1="Walton Avenue",
        street_line2="Unit 4",
        postal_code="IP11 3HF",
    )
    assert german.address_lines() == ["Am Sandtorkai 5", "20457 Hamburg", "Germany"]
    assert british.address_lines() == ["Walton Avenue", "Unit 4", "Felixstowe IP11 3HF", "United Kingdom"]


def test_a_verified_company_cannot_blank_its_registered_street(client, supplier_owner):
    company = supplier_owner.company
    Company.objects.filter(pk=company.pk).update(verified_at=timezone.now())
    company.refresh_from_db()
    services.company_update(company=company, by_user=supplier_owner, street_line1="No. 9 Keji Road")
    client.force_login(supplier_owner)
    response = client.post(
        reverse("companies:company_edit"), profile(company, street_line1="", city="Ningbo")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and "keeps a registered street address" in html
    assert Company.objects.get(pk=company.pk).street_line1 == "No. 9 Keji Road"
    # An unverified company may still leave it empty (it has no contract yet to print it in).
    unverified = CompanyFactory(verified_at=None, street_line1="Old Road 1")
    owner = MembershipFactory(company=unverified, role="owner").user
    services.company_update(company=unverified, by_user=owner, street_line1="")
    assert Company.objects.get(pk=unverified.pk).street_line1 == ""

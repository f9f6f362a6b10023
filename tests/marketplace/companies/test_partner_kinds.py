"""Partners of the platform (banks, export credit insurers, chambers) are companies of their own kinds, made
so by operators: an owner can neither turn a trading company into one nor a partner back into a trader."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from marketplace.companies import services
from marketplace.companies.models import Company, CompanyKind
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.companies.test_company_address import profile

pytestmark = pytest.mark.django_db


def test_querysets_and_the_partner_flag():
    bank = CompanyFactory(kind=CompanyKind.BANK)
    insurer = CompanyFactory(kind=CompanyKind.INSURER)
    chamber = CompanyFactory(kind=CompanyKind.CHAMBER)
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    assert list(Company.objects.banks()) == [bank]
    assert list(Company.objects.insurers()) == [insurer]
    assert list(Company.objects.chambers()) == [chamber]
    assert list(Company.objects.trading()) == [supplier]
    assert bank.is_partner and insurer.is_partner and chamber.is_partner and not supplier.is_partner
    assert not bank.is_supplier and not bank.is_buyer


def test_the_profile_form_offers_only_trading_kinds(client, supplier_owner):
    client.force_login(supplier_owner)
    company = supplier_owner.company
    page = client.get(reverse("companies:company_edit")).content.decode()
    assert 'value="supplier"' in page and 'value="insurer"' not in page and 'value="bank"' not in page
    response = client.post(reverse("companies:company_edit"), profile(company, kind=CompanyKind.BANK))
    assert response.status_code in (200, 400)
    company.refresh_from_db()
    assert company.kind == CompanyKind.SUPPLIER


def test_the_service_refuses_a_partner_kind_either_way(supplier_owner):
    with pytest.raises(ValidationError) as raised:
        services.company_update(
            company=supplier_owner.company, by_user=supplier_owner, kind=CompanyKind.INSURER
        )
    assert "kind" in raised.value.message_dict
    insurer = CompanyFactory(kind=CompanyKind.INSURER)
    owner = MembershipFactory(company=insurer, role="owner").user
    with pytest.raises(ValidationError):
        services.company_update(company=insurer, by_user=owner, kind=CompanyKind.BUYER)
    insurer.refresh_from_db()
    assert insurer.kind == CompanyKind.INSURER


def test_a_partner_owner_edits_the_profile_but_not_the_kind(client):
    insurer = CompanyFactory(kind=CompanyKind.INSURER)
    owner = MembershipFactory(company=insurer, role="owner").user
    client.force_login(owner)
    response = client.post(
        reverse("companies:company_edit"), profile(insurer, kind=CompanyKind.SUPPLIER, city="Shanghai")
    )
    assert response.status_code == 302
    insurer.refresh_from_db()
    assert insurer.kind == CompanyKind.INSURER and insurer.city == "Shanghai"


def test_signing_up_as_a_partner_is_refused():
    user = UserFactory()
    company = CompanyFactory.build()
    with pytest.raises(ValidationError):
        services.company_create(
            owner=user, name="Bank of Nowhere", kind=CompanyKind.BANK, country="CN", industry=company.industry
        )
    assert not Company.objects.filter(name="Bank of Nowhere").exists()


def test_partner_of_officer_names_only_the_officers_own_partner():
    from marketplace.companies.models import PlatformRole
    from marketplace.companies.permissions import partner_of_officer

    insurer = CompanyFactory(kind=CompanyKind.INSURER)
    officer = MembershipFactory(
        company=insurer, user=UserFactory(platform_role=PlatformRole.RISK_OFFICER)
    ).user
    clerk = MembershipFactory(company=insurer).user  # a member, not a risk officer
    platform_officer = UserFactory(platform_role=PlatformRole.RISK_OFFICER)  # belongs to no company
    assert partner_of_officer(officer, CompanyKind.INSURER) == insurer
    assert partner_of_officer(officer, CompanyKind.BANK) is None
    assert partner_of_officer(clerk, CompanyKind.INSURER) is None
    assert partner_of_officer(platform_officer, CompanyKind.INSURER) is None

"""A company page leads on: a supplier's page to its products and mini-site, and to an inquiry or a meeting
for those who may ask for one; a verified company is not asked to get verified."""

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_supplier_page_links_its_products_and_mini_site(client):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    html = client.get(supplier.get_absolute_url()).content.decode()
    assert f'href="{reverse("catalog:supplier_site", args=[supplier.slug])}"' in html


def test_a_buyer_page_has_no_products_link(client):
    buyer = CompanyFactory(kind=CompanyKind.BUYER)
    html = client.get(buyer.get_absolute_url()).content.decode()
    assert "/suppliers/" not in html


def test_a_verified_buyer_is_not_told_to_upload_its_licence(client):
    member = MembershipFactory(
        company=CompanyFactory(kind=CompanyKind.BUYER, verified_at=timezone.now())
    ).user
    client.force_login(member)
    html = client.get(reverse("companies:buyer_home")).content.decode()
    assert "Your company is verified" in html
    assert "Upload your business licence" not in html


def test_an_unverified_buyer_is_shown_the_way_to_verification(client):
    member = MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER, verified_at=None)).user
    client.force_login(member)
    html = client.get(reverse("companies:buyer_home")).content.decode()
    assert "Upload your business licence" in html and reverse("companies:verification") in html


def test_a_buyer_is_offered_an_inquiry_and_a_meeting_that_open(client):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    client.force_login(MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER)).user)
    html = client.get(supplier.get_absolute_url()).content.decode()
    meeting = f"{reverse('meetings:request')}?with={supplier.slug}"
    assert f'href="{meeting}"' in html
    assert f'href="{reverse("deals:inquiry_from_company", args=[supplier.slug])}"' in html
    assert client.get(meeting).status_code == 200


def test_an_operator_without_a_company_is_not_offered_a_meeting_it_may_not_request(client, operator):
    # The walk-through found operators sent to a 403 by "Request a meeting" on every supplier's page.
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    client.force_login(operator)
    html = client.get(supplier.get_absolute_url()).content.decode()
    assert reverse("meetings:request") not in html
    assert reverse("deals:inquiry_from_company", args=[supplier.slug]) not in html
    assert client.get(f"{reverse('meetings:request')}?with={supplier.slug}").status_code == 403


def test_a_visitor_is_still_shown_the_way_to_contact_a_supplier(client):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    html = client.get(supplier.get_absolute_url()).content.decode()
    assert reverse("deals:inquiry_from_company", args=[supplier.slug]) in html

"""The demo leads: deterministic, idempotent, at the demo supplier in the past session."""

import pytest

from marketplace.companies.models import CompanyKind, MemberRole
from marketplace.fairs import leads_demo
from marketplace.fairs.models import Lead
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.fairs.factories import FairSessionFactory

pytestmark = pytest.mark.django_db
DOMAIN = "demo.trustfair.test"


def test_seed_leads_is_idempotent():
    FairSessionFactory(slug=leads_demo.PAST_SESSION)
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, slug="demo-supplier")
    buyer = CompanyFactory(kind=CompanyKind.BUYER)
    users = {}
    for local, company, role in (
        ("supplier", supplier, MemberRole.OWNER),
        ("li.na", supplier, MemberRole.STAFF),
        ("buyer", buyer, MemberRole.OWNER),
        ("james.wright", buyer, MemberRole.STAFF),
        ("buyer2", CompanyFactory(kind=CompanyKind.BUYER), MemberRole.OWNER),
    ):
        user = UserFactory(email=f"{local}@{DOMAIN}", first_name=local, last_name="Demo")
        MembershipFactory(user=user, company=company, role=role)
        users[user.email] = user
    assert leads_demo.seed_leads(users=users, supplier_slug="demo-supplier", domain=DOMAIN) == 4
    assert leads_demo.seed_leads(users=users, supplier_slug="demo-supplier", domain=DOMAIN) == 0
    leads = Lead.objects.filter(company=supplier)
    assert leads.count() == 4
    assert sorted(leads.values_list("rating", flat=True)) == ["cold", "hot", "warm", "warm"]
    assert leads.filter(consent_withdrawn_at__isnull=False).count() == 1
    assert leads.filter(registration__user=users[f"buyer@{DOMAIN}"]).exists()
    assert set(leads.values_list("scanned_by", flat=True)) == {users[f"li.na@{DOMAIN}"].pk}

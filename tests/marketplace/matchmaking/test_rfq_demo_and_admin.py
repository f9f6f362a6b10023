"""The demo's sourcing requests (through the services, idempotent) and the admin's quota for operators."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from marketplace.companies.demo import DEMO_BUYER_OWNER, DEMO_SUPPLIER_OWNER, SECOND_SUPPLIER_OWNER
from marketplace.companies.models import CompanyKind
from marketplace.core.models import AuditEvent
from marketplace.matchmaking import rfq_admin, rfq_demo
from marketplace.matchmaking.models import Quotation, Rfq, SourcingProfile
from tests.marketplace.catalog.factories import ChapterFactory
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.matchmaking.factories_rfq import verified_supplier

pytestmark = pytest.mark.django_db


def test_seed_rfqs_builds_the_invited_rfq_with_two_quotations_once():
    chapter = ChapterFactory()
    buyer = MembershipFactory(
        user=UserFactory(email=DEMO_BUYER_OWNER),
        company=CompanyFactory(kind=CompanyKind.BUYER, country="GB"),
    ).user
    supplier = verified_supplier(chapter=chapter, certifications=["CE"])
    supplier.email = DEMO_SUPPLIER_OWNER
    supplier.save()
    second = verified_supplier(chapter=ChapterFactory(code="39", name="Plastics"))
    users = {DEMO_BUYER_OWNER: buyer, DEMO_SUPPLIER_OWNER: supplier, SECOND_SUPPLIER_OWNER: second}
    assert rfq_demo.seed_rfqs(users=users, now=timezone.now()) == 4
    invited = Rfq.objects.get(title=rfq_demo.INVITED_TITLE)
    assert set(invited.quotations.values_list("currency", "incoterm")) == {("USD", "FOB"), ("CNY", "CIF")}
    assert Rfq.objects.get(title=rfq_demo.OPEN_TITLE).visibility == "category"
    assert rfq_demo.seed_rfqs(users=users, now=timezone.now()) == 0
    assert Quotation.objects.count() == 2


def test_an_operator_raises_a_quota_in_the_admin_and_it_is_audited(operator):
    company = CompanyFactory(kind=CompanyKind.SUPPLIER)
    model_admin = rfq_admin.SourcingProfileAdmin(SourcingProfile, admin.site)
    request = RequestFactory().post("/")
    request.user = operator
    profile = SourcingProfile(company=company, monthly_quota=80, markets=["GB", "DE"])
    model_admin.save_model(request, profile, form=None, change=False)
    saved = SourcingProfile.objects.get(company=company)
    assert (saved.monthly_quota, saved.markets) == (80, ["GB", "DE"])
    assert AuditEvent.objects.filter(action="matchmaking.sourcing_profile.quota", data__to=80).exists()

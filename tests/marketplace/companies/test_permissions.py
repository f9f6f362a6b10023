"""Every portal page tried anonymously, as the wrong role and as another company: refused, never data."""

import pytest
from django.urls import reverse

from tests.marketplace.companies.factories import (
    CompanyFactory,
    MembershipFactory,
    UserFactory,
    VerificationDocumentFactory,
)

pytestmark = pytest.mark.django_db

SUPPLIER_PAGES = ["companies:supplier_home"]
BUYER_PAGES = ["companies:buyer_home"]
MEMBER_PAGES = ["companies:company_edit", "companies:staff", "companies:verification"]
OPERATOR_PAGES = ["companies:operator_queue"]
RISK_PAGES = ["companies:risk_home"]
ALL_GUARDED = (
    SUPPLIER_PAGES
    + BUYER_PAGES
    + MEMBER_PAGES
    + OPERATOR_PAGES
    + RISK_PAGES
    + [
        "notifications:notification_list",
    ]
)


@pytest.mark.parametrize("name", ALL_GUARDED)
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SUPPLIER_PAGES)
def test_buyer_cannot_open_supplier_portal(client, buyer_owner, name):
    client.force_login(buyer_owner)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", BUYER_PAGES)
def test_supplier_cannot_open_buyer_pages(client, supplier_owner, name):
    client.force_login(supplier_owner)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", OPERATOR_PAGES + RISK_PAGES)
@pytest.mark.parametrize("who", ["supplier_owner", "buyer_owner", "editor"])
def test_company_members_and_editors_cannot_open_staff_pages(client, request, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 403


def test_risk_officer_is_not_an_operator_and_back(client, risk_officer, operator):
    VerificationDocumentFactory(company=CompanyFactory(name="Pending Pumps Ltd"))
    client.force_login(risk_officer)
    assert client.get(reverse("companies:operator_queue")).status_code == 403
    assert "<h1>Risk dashboard</h1>" in client.get(reverse("companies:risk_home")).content.decode()
    client.force_login(operator)
    assert client.get(reverse("companies:risk_home")).status_code == 403
    queue = client.get(reverse("companies:operator_queue")).content.decode()
    assert "<h1>Verification queue</h1>" in queue and "Pending Pumps Ltd" in queue


def test_operator_review_of_a_document_refused_to_others(client, supplier_owner):
    from tests.marketplace.companies.test_verification import PDF, upload

    client.force_login(supplier_owner)
    upload(client, "licence.pdf", PDF)
    from marketplace.companies.models import VerificationDocument

    url = reverse("companies:operator_review", args=[VerificationDocument.objects.get().pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert not VerificationDocument.objects.filter(status="approved").exists()


def test_member_pages_show_only_own_company(client, supplier_owner):
    other = MembershipFactory(company=CompanyFactory(name="Rival Industrial Co")).user
    client.force_login(other)
    html = client.get(reverse("companies:staff")).content.decode()
    assert supplier_owner.email not in html and other.email in html


def test_staff_cannot_edit_company_profile(client, supplier_owner):
    staff = MembershipFactory(company=supplier_owner.company, role="staff").user
    client.force_login(staff)
    response = client.post(reverse("companies:company_edit"), {"name": "Hijacked"})
    assert response.status_code == 302
    supplier_owner.company.refresh_from_db()
    assert supplier_owner.company.name != "Hijacked"


def test_user_without_company_is_led_to_onboarding(client):
    client.force_login(UserFactory())
    for name in SUPPLIER_PAGES + BUYER_PAGES + MEMBER_PAGES:
        assert client.get(reverse(name)).url == reverse("companies:onboarding")


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("supplier_owner", "companies:supplier_home"),
        ("buyer_owner", "companies:buyer_home"),
        ("risk_officer", "companies:risk_home"),
        ("operator", "companies:operator_queue"),
        ("editor", "wagtailadmin_home"),
    ],
)
def test_each_role_lands_on_its_home(client, request, who, home):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("companies:role_home")).url == reverse(home)


def test_wagtail_admin_refused_to_company_members(client, supplier_owner):
    client.force_login(supplier_owner)
    # Wagtail sends a signed-in user without admin access back to its own sign-in page, not to a 403.
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('wagtailadmin_login')}?next={reverse('wagtailadmin_home')}"
    assert "Dashboard" not in client.get(response.url).content.decode()


def test_django_admin_refused_to_non_staff(client, risk_officer):
    client.force_login(risk_officer)
    response = client.get(reverse("admin:companies_company_changelist"))
    assert response.status_code == 302 and "login" in response.url

"""Every email links to the public site address (SITE_URL), and production refuses to start without one."""

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.urls import reverse

from marketplace.companies import services as company_services
from marketplace.notifications.services import notify
from marketplace.showcases import services as showcase_services
from tests.factories import UserFactory
from tests.marketplace.catalog.factories import ShowcaseFactory, supplier_member

pytestmark = pytest.mark.django_db

SITE = "https://fair.trustfair.example"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = SITE


def test_showcase_invitation_links_to_the_public_site(django_capture_on_commit_callbacks):
    owner = supplier_member()
    showcase = ShowcaseFactory(supplier=owner.company, created_by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = showcase_services.showcase_invite(
            showcase=showcase, by_user=owner, email="anna@importer.example"
        )
    assert f"{SITE}{invitation.get_absolute_url()}" in mail.outbox[-1].body
    assert "127.0.0.1" not in mail.outbox[-1].body


def test_staff_invitation_links_to_the_public_site(supplier_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = company_services.invitation_create(
            company=supplier_owner.company, by_user=supplier_owner, email="new.hire@example.com"
        )
    assert f"{SITE}{invitation.get_absolute_url()}" in mail.outbox[-1].body


def test_shared_showcase_notification_links_to_the_public_site(
    buyer_owner, django_capture_on_commit_callbacks
):
    owner = supplier_member()
    showcase = ShowcaseFactory(supplier=owner.company, created_by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        showcase_services.showcase_share(showcase=showcase, by_user=owner, companies=[buyer_owner.company])
    assert f"{SITE}{showcase.get_absolute_url()}" in mail.outbox[-1].body


def test_any_notification_email_links_to_the_public_site(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], title="Your verification document was approved", url="/portal/company/")
    assert mail.outbox[-1].body.endswith(f"{SITE}/portal/company/")


def test_sign_up_email_speaks_as_trustfair(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "li.wei@haitian.example",
                "password1": "a-long-pass-2026",
                "password2": "a-long-pass-2026",
            },
        )
    body = mail.outbox[-1].body
    assert body.startswith("Hello from TrustFair!") and "Hello from testserver" not in body
    assert mail.outbox[-1].subject.startswith("[TrustFair] ")


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8000", "http://localhost", "trustfair.example"])
def test_production_refuses_a_missing_or_local_site_url(settings, url):
    settings.DEBUG = False
    settings.SITE_URL = url
    assert "core.E001" in {m.id for m in run_checks()}


def test_a_public_site_url_passes(settings):
    settings.DEBUG = False
    assert "core.E001" not in {m.id for m in run_checks()}
    settings.DEBUG = True
    settings.SITE_URL = ""
    assert "core.E001" not in {m.id for m in run_checks()}

"""The admin's "view on site" redirect never hands out a bearer link, and follows the admin's permissions."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from marketplace.companies.models import Invitation, PlatformRole
from marketplace.showcases.models import ShowcaseInvitation
from tests.factories import CompanyFactory, UserFactory
from tests.marketplace.catalog.factories import ProductFactory, ShowcaseFactory

pytestmark = pytest.mark.django_db


def _url(obj):
    return f"/django-admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


@pytest.fixture
def operator_staff():
    """An operator with admin access to products only."""
    user = UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_product", content_type__app_label="catalog")
    )
    return user


@pytest.fixture
def secrets():
    showcase = ShowcaseFactory()
    return [
        showcase,
        ShowcaseInvitation.objects.create(
            showcase=showcase,
            email="buyer@example.com",
            created_by=showcase.created_by,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        Invitation.objects.create(
            company=CompanyFactory(),
            email="new.hire@example.com",
            invited_by=showcase.created_by,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
    ]


def test_bearer_links_are_never_revealed_even_to_a_superuser(client, secrets):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for obj in secrets:
        response = client.get(_url(obj))
        assert response.status_code == 404, type(obj).__name__
        assert obj.token not in response.content.decode() and obj.token not in response.get("Location", "")


def test_it_follows_the_admin_permissions(client, operator_staff):
    product = ProductFactory()
    company = product.supplier
    client.force_login(operator_staff)
    allowed = client.get(_url(product))
    assert allowed.status_code == 302 and allowed["Location"].endswith(product.get_absolute_url())
    # No permission on companies: the same answer as for an object that does not exist.
    assert client.get(_url(company)).status_code == 404
    assert (
        client.get(f"/django-admin/r/{ContentType.objects.get_for_model(product).pk}/999999/").status_code
        == 404
    )


def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(client, buyer_owner):
    product = ProductFactory()
    client.force_login(buyer_owner)
    response = client.get(_url(product))
    assert response.status_code == 302 and "/django-admin/login/" in response["Location"]

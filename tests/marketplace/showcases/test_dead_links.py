"""A used, withdrawn or expired invitation link says so, in the same words as a made-up one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.showcases import services
from marketplace.showcases.models import ShowcaseInvitation
from tests.marketplace.catalog.factories import ShowcaseFactory, buyer_member, supplier_member

pytestmark = pytest.mark.django_db

EXPLANATION = "This invitation link cannot be used"


@pytest.fixture
def showcase():
    owner = supplier_member()
    return ShowcaseFactory(supplier=owner.company, created_by=owner)


def _invite(showcase):
    return services.showcase_invite(
        showcase=showcase, by_user=showcase.created_by, email="anna@importer.example"
    )


def _dead_page(client, token):
    response = client.get(reverse("showcases:invitation_open", kwargs={"token": token}))
    assert response.status_code == 404
    return response.content.decode().replace(token, "TOKEN")


@pytest.mark.parametrize("change", ["used_by_another_company", "withdrawn", "expired"])
def test_a_dead_link_explains_itself_and_tells_nothing_more(client, showcase, change):
    invitation = _invite(showcase)
    if change == "used_by_another_company":
        client.force_login(buyer_member())
        assert client.get(invitation.get_absolute_url()).status_code == 302
    elif change == "withdrawn":
        services.invitation_revoke(invitation=invitation, by_user=showcase.created_by)
    else:
        ShowcaseInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    client.force_login(buyer_member())
    page = _dead_page(client, invitation.token)
    assert EXPLANATION in page and '<header class="site-header">' in page
    assert showcase.title not in page and showcase.supplier.name not in page
    # A link that never existed gets the very same page: nothing says whether a showcase is behind it.
    assert page == _dead_page(client, "made-up-token-of-the-same-length-as-a-real-one-xxxxxxxx")

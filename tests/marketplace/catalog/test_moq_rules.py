"""The first price tier prices the minimum order; an interest below the MOQ is warned about."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from marketplace.catalog import services
from marketplace.showcases.models import Interest
from tests.marketplace.catalog.factories import (
    ProductFactory,
    ShowcaseAccessFactory,
    ShowcaseFactory,
    ShowcaseItemFactory,
    buyer_member,
    supplier_member,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("first", [5, 20])
def test_a_first_tier_away_from_the_moq_is_refused(first):
    errors = services.tier_errors([services.Tier(first, 10), services.Tier(50, 9)], moq=10)
    assert errors == [f"The first tier starts at {first} but the minimum order is 10: price the MOQ."]


def test_a_first_tier_at_the_moq_is_fine():
    assert services.tier_errors([services.Tier(10, 10), services.Tier(50, 9)], moq=10) == []


def _showcase_item(moq):
    owner = supplier_member()
    showcase = ShowcaseFactory(supplier=owner.company, created_by=owner)
    item = ShowcaseItemFactory(showcase=showcase, product=ProductFactory(supplier=owner.company, moq=moq))
    buyer = buyer_member()
    ShowcaseAccessFactory(showcase=showcase, company=buyer.company)
    return showcase, item, buyer


def test_an_interest_below_the_moq_is_kept_with_a_warning(client):
    showcase, item, buyer = _showcase_item(moq=100)
    client.force_login(buyer)
    page = client.get(showcase.get_absolute_url()).content.decode()
    assert "Minimum order 100" in page
    response = client.post(
        reverse("showcases:interest_create", args=[showcase.token, item.pk]), {"quantity": 20}
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("20 is below this offer's minimum order of 100" in t for t in texts)
    assert Interest.objects.get().quantity == 20  # a buyer may still ask (samples, a trial order)


def test_an_interest_at_the_moq_gets_no_warning(client):
    showcase, item, buyer = _showcase_item(moq=100)
    client.force_login(buyer)
    response = client.post(
        reverse("showcases:interest_create", args=[showcase.token, item.pk]), {"quantity": 100}
    )
    assert not any("below" in str(m) for m in get_messages(response.wsgi_request))

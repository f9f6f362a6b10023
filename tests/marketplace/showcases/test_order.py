"""Suppliers decide the order in which a showcase's buyers see its products."""

import pytest
from django.urls import reverse

from marketplace.showcases import services
from marketplace.showcases.models import ShowcaseAccess
from tests.marketplace.catalog.factories import (
    ProductFactory,
    ShowcaseFactory,
    ShowcaseItemFactory,
    buyer_member,
    supplier_member,
)

pytestmark = pytest.mark.django_db

NAMES = ["Lathe", "Mill", "Press", "Saw"]


@pytest.fixture
def showcase(chapter84):
    owner = supplier_member()
    showcase = ShowcaseFactory(supplier=owner.company, created_by=owner)
    for position, name in enumerate(NAMES):
        ShowcaseItemFactory(
            showcase=showcase, position=position, product=ProductFactory(supplier=owner.company, name=name)
        )
    return showcase


def order(showcase):
    return [i.product.name for i in showcase.items.select_related("product").order_by("position", "pk")]


def items_post(showcase, places, **extra):
    """The builder's price form as the browser posts it, with `places` in the Order column."""
    items = list(showcase.items.order_by("position", "pk"))
    data = {"items-TOTAL_FORMS": len(items), "items-INITIAL_FORMS": len(items)}
    for k, (item, place) in enumerate(zip(items, places, strict=True)):
        data |= {f"items-{k}-item": item.pk, f"items-{k}-position": place, f"items-{k}-price": "10"}
    return data | extra


def test_moving_an_item_onto_a_taken_place_puts_it_there(showcase):
    owner = showcase.created_by
    saw = showcase.items.get(product__name="Saw")
    services.showcase_items_update(
        showcase=showcase, by_user=owner, terms=[services.ItemTerms(saw.pk, position=1)]
    )
    assert order(showcase) == ["Saw", "Lathe", "Mill", "Press"]
    assert sorted(showcase.items.values_list("position", flat=True)) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("name", "place", "expected"),
    [
        ("Lathe", 3, ["Mill", "Press", "Lathe", "Saw"]),  # down, as the builder posts it: every row's place
        ("Lathe", 4, ["Mill", "Press", "Saw", "Lathe"]),  # down to the last place
        ("Press", 2, ["Lathe", "Press", "Mill", "Saw"]),  # up by one
    ],
)
def test_an_item_lands_on_the_place_asked_for_either_way(showcase, name, place, expected):
    items = list(showcase.items.order_by("position", "pk"))
    places = {i.pk: k + 1 for k, i in enumerate(items)} | {showcase.items.get(product__name=name).pk: place}
    terms = [services.ItemTerms(pk, position=p) for pk, p in places.items()]
    services.showcase_items_update(showcase=showcase, by_user=showcase.created_by, terms=terms)
    assert order(showcase) == expected


def test_supplier_reorders_in_the_builder_and_buyers_see_that_order(client, showcase):
    client.force_login(showcase.created_by)
    action = reverse("showcases:showcase_action", args=[showcase.pk, "items"])
    assert client.post(action, items_post(showcase, [4, 3, 2, 1])).status_code == 302
    assert order(showcase) == ["Saw", "Press", "Mill", "Lathe"]
    page = client.get(reverse("showcases:showcase_manage", args=[showcase.pk])).content.decode()
    assert 'name="items-0-position" value="1"' in page

    buyer = buyer_member()
    ShowcaseAccess.objects.create(showcase=showcase, company=buyer.company, granted_by=showcase.created_by)
    client.force_login(buyer)
    body = client.get(showcase.get_absolute_url()).content.decode()
    assert [body.index(n) for n in ["Saw", "Press", "Mill", "Lathe"]] == sorted(body.index(n) for n in NAMES)


def test_a_bad_place_is_refused_and_nothing_changes(client, showcase):
    client.force_login(showcase.created_by)
    action = reverse("showcases:showcase_action", args=[showcase.pk, "items"])
    response = client.post(action, items_post(showcase, [4, 0, 2, 1]), follow=True)
    assert "places whole numbers from 1" in response.content.decode()
    assert order(showcase) == NAMES


def test_another_supplier_cannot_reorder(client, showcase):
    client.force_login(supplier_member())
    action = reverse("showcases:showcase_action", args=[showcase.pk, "items"])
    assert client.post(action, items_post(showcase, [4, 3, 2, 1])).status_code == 404
    assert order(showcase) == NAMES

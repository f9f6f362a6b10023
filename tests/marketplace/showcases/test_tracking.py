"""Building and sharing a showcase, notifications, view tracking with last-seen, and "Interested" records."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace.notifications.models import Notification
from marketplace.showcases import selectors, services
from marketplace.showcases.models import Interest, Showcase, ShowcaseAccess, ShowcaseItem, ShowcaseView
from tests.factories import MembershipFactory
from tests.marketplace.catalog.factories import ProductFactory, buyer_member, supplier_member

pytestmark = pytest.mark.django_db


def test_supplier_builds_prices_and_shares_a_showcase(client, chapter84, django_capture_on_commit_callbacks):
    owner = supplier_member()
    product = ProductFactory(supplier=owner.company, name="Gear pump", price="100")
    hidden = ProductFactory(supplier=owner.company, name="Prototype pump", showcase_only=True, status="draft")
    ProductFactory(supplier=owner.company, name="Old pump", status="archived")
    buyer = buyer_member(name="Hamburg Pumps GmbH", city="Hamburg")
    colleague = MembershipFactory(company=buyer.company, role="staff").user
    client.force_login(owner)
    until = (timezone.now() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    start = timezone.now().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("showcases:showcase_create"),
        {"title": "Autumn pumps", "message": "For you", "valid_from": start, "valid_until": until},
    )
    showcase = Showcase.objects.get()
    assert response.url == showcase.get_portal_url()
    page = client.get(showcase.get_portal_url()).content.decode()
    assert "Gear pump" in page and "Prototype pump" in page and "Old pump" not in page
    client.post(
        reverse("showcases:showcase_action", args=[showcase.pk, "add"]), {"product": [product.pk, hidden.pk]}
    )
    items = list(showcase.items.order_by("position"))
    assert [i.product for i in items] == [product, hidden]
    client.post(
        reverse("showcases:showcase_action", args=[showcase.pk, "items"]),
        {
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "2",
            "items-0-item": items[0].pk,
            "items-0-price": "88.50",
            "items-0-currency": "EUR",
            "items-0-terms": "FOB Ningbo",
            "items-1-item": items[1].pk,
            "items-1-price": "",
            "items-1-min_quantity": "50",
        },
    )
    items[0].refresh_from_db()
    assert (items[0].price, items[0].currency, items[0].terms) == (Decimal("88.5"), "EUR", "FOB Ningbo")
    page = client.get(showcase.get_portal_url(), {"buyer_q": "hamburg"}).content.decode()
    assert "Hamburg Pumps GmbH" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("showcases:showcase_action", args=[showcase.pk, "share"]), {"company": [buyer.company.pk]}
        )
    assert ShowcaseAccess.objects.filter(showcase=showcase, company=buyer.company, revoked_at=None).exists()
    notified = set(
        Notification.objects.filter(url=showcase.get_absolute_url()).values_list("recipient", flat=True)
    )
    assert notified == {buyer.pk, colleague.pk}
    assert len(mail.outbox) == 2
    # The buyer finds it under "Showcases shared with us".
    client.force_login(buyer)
    assert "Autumn pumps" in client.get(reverse("showcases:shared_list")).content.decode()
    assert "88.50 EUR" in client.get(showcase.get_absolute_url()).content.decode()


def test_views_are_tracked_per_buyer_and_product_with_last_seen(client, chapter84):
    owner = supplier_member()
    showcase = Showcase.objects.create(
        supplier=owner.company,
        title="T",
        created_by=owner,
        valid_until=timezone.now() + datetime.timedelta(days=1),
    )
    item = ShowcaseItem.objects.create(showcase=showcase, product=ProductFactory(supplier=owner.company))
    a, b = buyer_member(), buyer_member()
    services.showcase_share(showcase=showcase, by_user=owner, companies=[a.company, b.company])
    client.force_login(a)
    client.get(showcase.get_absolute_url())
    client.get(reverse("showcases:showcase_item", kwargs={"token": showcase.token, "item_pk": item.pk}))
    client.get(reverse("showcases:showcase_item", kwargs={"token": showcase.token, "item_pk": item.pk}))
    client.force_login(b)
    client.get(showcase.get_absolute_url())
    assert ShowcaseView.objects.count() == 4
    view = ShowcaseView.objects.filter(company=a.company, item=item).first()
    assert view.user == a and view.viewed_at
    stats = selectors.showcase_stats(showcase=showcase)
    by_company = {row["company"].pk: row for row in stats["buyers"]}
    assert by_company[a.company.pk]["page_views"] == 1 and by_company[a.company.pk]["product_views"] == 2
    assert by_company[b.company.pk]["page_views"] == 1 and by_company[b.company.pk].get("product_views") == 0
    assert (
        by_company[a.company.pk]["last_seen"]
        == ShowcaseView.objects.filter(company=a.company).latest("viewed_at").viewed_at
    )
    assert stats["items"][0]["views"] == 2 and stats["items"][0]["companies"] == 1
    # The supplier reads the same figures on its page.
    client.force_login(owner)
    page = client.get(showcase.get_portal_url()).content.decode()
    assert a.company.name in page and b.company.name in page


def test_interested_records_the_offer_and_tells_the_supplier(
    client, chapter84, django_capture_on_commit_callbacks
):
    owner = supplier_member()
    showcase = Showcase.objects.create(
        supplier=owner.company,
        title="T",
        created_by=owner,
        valid_until=timezone.now() + datetime.timedelta(days=1),
    )
    item = ShowcaseItem.objects.create(
        showcase=showcase,
        product=ProductFactory(supplier=owner.company, name="Valve"),
        price=Decimal("12.5"),
        currency="EUR",
    )
    buyer = buyer_member()
    services.showcase_share(showcase=showcase, by_user=owner, companies=[buyer.company])
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("showcases:interest_create", kwargs={"token": showcase.token, "item_pk": item.pk}),
            {"quantity": "500", "message": "Need it by March"},
            follow=True,
        )
    assert "Quote requested" in response.content.decode()
    interest = Interest.objects.get()
    assert (interest.company, interest.user, interest.product, interest.quantity) == (
        buyer.company,
        buyer,
        item.product,
        500,
    )
    assert (interest.quoted_price, interest.quoted_currency, interest.status) == (
        Decimal("12.5"),
        "EUR",
        "open",
    )
    note = Notification.objects.get(recipient=owner)
    assert "interested" in note.title and "Valve" in note.body
    client.force_login(owner)
    page = client.get(showcase.get_portal_url()).content.decode()
    assert "Need it by March" in page and buyer.email in page
    # An item someone asked about stays in the record even if the supplier removes it from the page.
    services.showcase_items_update(showcase=showcase, by_user=owner, terms=[], remove=[item.pk])
    assert ShowcaseItem.objects.filter(pk=item.pk).exists()


def test_revoke_extend_and_close_from_the_portal(client, chapter84):
    owner = supplier_member()
    showcase = Showcase.objects.create(
        supplier=owner.company,
        title="T",
        created_by=owner,
        valid_until=timezone.now() + datetime.timedelta(days=1),
    )
    buyer = buyer_member()
    access = services.showcase_share(showcase=showcase, by_user=owner, companies=[buyer.company])[0]
    client.force_login(owner)
    client.post(reverse("showcases:showcase_action", args=[showcase.pk, "revoke"]), {"access": access.pk})
    access.refresh_from_db()
    assert access.revoked_at is not None
    new_end = (timezone.now() + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("showcases:showcase_action", args=[showcase.pk, "extend"]), {"valid_until": new_end})
    showcase.refresh_from_db()
    assert showcase.valid_until > timezone.now() + datetime.timedelta(days=19)
    client.post(reverse("showcases:showcase_action", args=[showcase.pk, "close"]))
    showcase.refresh_from_db()
    assert showcase.state == "closed"
    # Sharing a closed showcase is refused.
    client.post(
        reverse("showcases:showcase_action", args=[showcase.pk, "share"]),
        {"company": [buyer_member().company.pk]},
    )
    assert showcase.accesses.count() == 1
    # Re-sharing restores a revoked buyer once reopened.
    services.showcase_extend(
        showcase=showcase, by_user=owner, valid_until=timezone.now() + datetime.timedelta(days=2)
    )
    services.showcase_share(showcase=showcase, by_user=owner, companies=[buyer.company])
    access.refresh_from_db()
    assert access.revoked_at is None


def test_invite_through_the_portal_sends_mail(client, chapter84, django_capture_on_commit_callbacks):
    owner = supplier_member()
    showcase = Showcase.objects.create(
        supplier=owner.company,
        title="T",
        created_by=owner,
        valid_until=timezone.now() + datetime.timedelta(days=3),
    )
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("showcases:showcase_action", args=[showcase.pk, "invite"]),
            {"email": "buyer@importer.example", "days": "14"},
        )
    invitation = showcase.invitations.get()
    # The link never outlives the showcase.
    assert invitation.expires_at <= showcase.valid_until
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body

"""Who may open a showcase: the audience only; everyone else gets the very 404 of a showcase that does not exist."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.catalog import spreadsheet
from marketplace.catalog.selectors import product_search
from marketplace.showcases import services
from marketplace.showcases.models import ShowcaseAccess, ShowcaseInvitation
from tests.marketplace.catalog.factories import ProductFactory, ProductImageFactory
from tests.marketplace.companies.factories import (
    MembershipFactory,
    UserFactory,
    buyer_member,
    supplier_member,
)
from tests.marketplace.showcases.factories import ShowcaseAccessFactory, ShowcaseFactory, ShowcaseItemFactory

pytestmark = pytest.mark.django_db

SECRET_PRICE = "61.2345"


@pytest.fixture
def world(chapter84):
    """A supplier's showcase with a published product and a showcase-only one, shared with one buyer."""
    owner = supplier_member()
    supplier = owner.company
    showcase = ShowcaseFactory(supplier=supplier, created_by=owner)
    public = ShowcaseItemFactory(
        showcase=showcase,
        product=ProductFactory(supplier=supplier, name="Public lathe", price="100"),
        price=SECRET_PRICE,
    )
    hidden = ShowcaseItemFactory(
        showcase=showcase,
        product=ProductFactory(supplier=supplier, name="Secret lathe", showcase_only=True),
        price="55",
    )
    buyer = buyer_member()
    ShowcaseAccessFactory(showcase=showcase, company=buyer.company)
    return {"owner": owner, "showcase": showcase, "public": public, "hidden": hidden, "buyer": buyer}


def url(showcase, name="showcases:showcase_detail", **kw):
    return reverse(name, kwargs={"token": showcase.token, **kw})


def missing(client):
    return client.get(reverse("showcases:showcase_detail", kwargs={"token": "no-such-showcase-token"}))


def assert_same_404(client, response):
    nothing = missing(client)
    assert response.status_code == 404 == nothing.status_code
    assert response.content == nothing.content


def test_audience_buyer_sees_showcase_prices(client, world):
    client.force_login(world["buyer"])
    body = client.get(url(world["showcase"])).content.decode()
    assert "Public lathe" in body and "Secret lathe" in body and "61.2345 USD" in body
    item = client.get(url(world["showcase"], "showcases:showcase_item", item_pk=world["hidden"].pk))
    assert item.status_code == 200 and "55.00 USD" in item.content.decode()


def assert_shows_the_showcase(response, world):
    body = response.content.decode()
    assert response.status_code == 200
    assert world["showcase"].title in body and "Secret lathe" in body and "61.2345 USD" in body


def test_a_colleague_of_the_audience_buyer_may_open_it_too(client, world):
    colleague = MembershipFactory(company=world["buyer"].company, role="staff").user
    client.force_login(colleague)
    assert_shows_the_showcase(client.get(url(world["showcase"])), world)


@pytest.mark.parametrize("who", ["anonymous", "other_buyer", "other_supplier", "no_company", "operator"])
def test_outsiders_get_the_same_404(client, world, who, operator):
    if who == "other_buyer":
        client.force_login(buyer_member())
    elif who == "other_supplier":
        client.force_login(supplier_member())
    elif who == "no_company":
        client.force_login(UserFactory())
    elif who == "operator":
        client.force_login(operator)
    showcase = world["showcase"]
    assert_same_404(client, client.get(url(showcase)))
    assert_same_404(client, client.get(url(showcase, "showcases:showcase_item", item_pk=world["public"].pk)))
    response = client.post(url(showcase, "showcases:interest_create", item_pk=world["public"].pk))
    assert response.status_code == 404


@pytest.mark.parametrize("change", ["revoked", "expired", "closed", "not_yet_open"])
def test_audience_buyer_loses_access(client, world, change):
    showcase = world["showcase"]
    if change == "revoked":
        access = ShowcaseAccess.objects.get(showcase=showcase)
        services.access_revoke(access=access, by_user=world["owner"])
    elif change == "expired":
        showcase.valid_until = timezone.now() - datetime.timedelta(seconds=1)
        showcase.save()
    elif change == "closed":
        services.showcase_close(showcase=showcase, by_user=world["owner"])
    else:
        showcase.valid_from = timezone.now() + datetime.timedelta(days=1)
        showcase.save()
    client.force_login(world["buyer"])
    assert_same_404(client, client.get(url(showcase)))
    assert_same_404(client, client.get(url(showcase, "showcases:showcase_item", item_pk=world["public"].pk)))
    assert client.get(reverse("showcases:shared_list")).content.decode().count(showcase.title) == 0


def test_extend_after_expiry_reopens(client, world):
    showcase = world["showcase"]
    showcase.valid_until = timezone.now() - datetime.timedelta(seconds=1)
    showcase.save()
    services.showcase_extend(
        showcase=showcase, by_user=world["owner"], valid_until=timezone.now() + datetime.timedelta(days=3)
    )
    client.force_login(world["buyer"])
    assert_shows_the_showcase(client.get(url(showcase)), world)


def test_item_of_another_showcase_is_404(client, world):
    other = ShowcaseItemFactory()
    client.force_login(world["buyer"])
    response = client.get(url(world["showcase"], "showcases:showcase_item", item_pk=other.pk))
    assert response.status_code == 404


def image_body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_showcase_only_product_has_no_public_address(client, world):
    """Its page and its photo: 404 at the catalog's address to all but its supplier, even to the audience."""
    product = world["hidden"].product
    image = ProductImageFactory(product=product)
    page_url = product.get_absolute_url()
    image_url = reverse("catalog:product_image", args=[product.pk, image.pk, "thumb"])
    for user in (None, world["buyer"], buyer_member(), supplier_member()):
        if user:
            client.force_login(user)
        else:
            client.logout()
        assert client.get(page_url).status_code == 404
        assert client.get(image_url).status_code == 404
    # Its own supplier previews it, photo included: the addresses are real, only the viewers differ.
    client.force_login(world["owner"])
    assert "Secret lathe" in client.get(page_url).content.decode()
    response = client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert image_body(response) == image.thumbnail.open("rb").read()


@pytest.mark.parametrize("size", ["thumb", "full"])
def test_a_showcase_photo_is_served_to_the_audience_only(client, world, size):
    image = ProductImageFactory(product=world["hidden"].product)
    showcase = world["showcase"]
    image_url = url(
        showcase, "showcases:showcase_image", item_pk=world["hidden"].pk, image_pk=image.pk, size=size
    )
    stored = (image.thumbnail if size == "thumb" else image.file).open("rb").read()
    client.force_login(world["buyer"])
    response = client.get(image_url)
    assert response.status_code == 200 and image_body(response) == stored
    assert response["Cache-Control"].startswith("private")
    for outsider in (None, buyer_member(), supplier_member(), world["owner"]):
        if outsider:
            client.force_login(outsider)
        else:
            client.logout()
        assert_same_404(client, client.get(image_url))
    # The audience buyer again, once the supplier has revoked its access: the same URL is dead.
    services.access_revoke(access=ShowcaseAccess.objects.get(showcase=showcase), by_user=world["owner"])
    client.force_login(world["buyer"])
    assert_same_404(client, client.get(image_url))


def test_showcase_prices_never_leak_to_catalog_search_or_export(client, world):
    client.force_login(world["buyer"])
    public = world["public"].product
    detail = client.get(public.get_absolute_url()).content.decode()
    assert "100.00 USD" in detail and "61.23" not in detail
    listing = client.get(reverse("catalog:product_list"), {"q": "lathe"}).content.decode()
    assert "Public lathe" in listing and "Secret lathe" not in listing and "61.23" not in listing
    mini = client.get(reverse("catalog:supplier_site", args=[public.supplier.slug])).content.decode()
    assert "Secret lathe" not in mini and "61.23" not in mini
    assert {p.sku for p in product_search(filters=QueryDict("q=secret")).qs} == set()
    # The export writes a product's own tiers as "quantity:price" ("1:100"); a showcase price that leaked
    # would read "1:61.2345" or "1:55". Each row must hold exactly the product's own tiers.
    exported = spreadsheet.export_csv(supplier=public.supplier).decode("utf-8-sig")
    rows = {row["name_en"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert rows["Public lathe"]["price_tiers"] == "1:100"
    assert rows["Secret lathe"]["price_tiers"] == "1:100"
    assert SECRET_PRICE not in exported and "61.23" not in exported and ":55" not in exported


# -- invitation links ----------------------------------------------------------------------------


@pytest.fixture
def invitation(world):
    return services.showcase_invite(
        showcase=world["showcase"], by_user=world["owner"], email="anna@importer.example"
    )


def test_invitation_is_mailed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inv = services.showcase_invite(
            showcase=world["showcase"], by_user=world["owner"], email="anna@importer.example"
        )
    assert len(mail.outbox) == 1 and inv.get_absolute_url() in mail.outbox[0].body
    assert mail.outbox[0].to == ["anna@importer.example"]


def test_invitation_binds_to_the_first_company_and_only_that_one(client, world, invitation):
    first = buyer_member()
    client.force_login(first)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302 and response.url == world["showcase"].get_absolute_url()
    assert_shows_the_showcase(client.get(response.url), world)
    invitation.refresh_from_db()
    assert invitation.claimed_by_company == first.company
    # A colleague of the same company may use it again.
    client.force_login(MembershipFactory(company=first.company, role="staff").user)
    assert client.get(invitation.get_absolute_url()).status_code == 302
    # A second company: the link is useless, and the showcase stays closed to it.
    second = buyer_member()
    client.force_login(second)
    assert client.get(invitation.get_absolute_url()).status_code == 404
    assert_same_404(client, client.get(world["showcase"].get_absolute_url()))
    assert not ShowcaseAccess.objects.filter(company=second.company).exists()


def test_invitation_link_refused_to_suppliers_and_sends_anonymous_to_sign_in(client, world, invitation):
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    # Same answer for a made-up token: the login page tells nothing.
    fake = client.get(reverse("showcases:invitation_open", kwargs={"token": "made-up"}))
    assert fake.status_code == 302 and fake.url.startswith(reverse("account_login"))
    client.force_login(supplier_member())
    assert client.get(invitation.get_absolute_url()).status_code == 404
    client.force_login(world["owner"])
    assert client.get(invitation.get_absolute_url()).status_code == 404
    invitation.refresh_from_db()
    assert invitation.claimed_at is None


@pytest.mark.parametrize("change", ["expired", "withdrawn", "showcase_closed"])
def test_dead_invitation_links_are_404(client, world, invitation, change):
    if change == "expired":
        ShowcaseInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    elif change == "withdrawn":
        services.invitation_revoke(invitation=invitation, by_user=world["owner"])
    else:
        services.showcase_close(showcase=world["showcase"], by_user=world["owner"])
    client.force_login(buyer_member())
    assert client.get(invitation.get_absolute_url()).status_code == 404


def test_revoked_company_cannot_come_back_through_an_old_link(client, world, invitation):
    buyer = buyer_member()
    client.force_login(buyer)
    client.get(invitation.get_absolute_url())
    access = ShowcaseAccess.objects.get(company=buyer.company)
    services.access_revoke(access=access, by_user=world["owner"])
    assert client.get(invitation.get_absolute_url()).status_code == 404
    assert_same_404(client, client.get(world["showcase"].get_absolute_url()))


# -- the supplier's side -------------------------------------------------------------------------


def test_another_supplier_cannot_manage_a_showcase(client, world):
    client.force_login(supplier_member())
    showcase = world["showcase"]
    assert client.get(reverse("showcases:showcase_manage", args=[showcase.pk])).status_code == 404
    for action in ("close", "extend", "share", "invite", "revoke"):
        response = client.post(reverse("showcases:showcase_action", args=[showcase.pk, action]))
        assert response.status_code == 404
    showcase.refresh_from_db()
    assert showcase.closed_at is None


@pytest.mark.parametrize("name", ["showcases:showcase_list", "showcases:showcase_create"])
def test_buyers_cannot_open_the_supplier_side(client, world, name):
    client.force_login(world["buyer"])
    assert client.get(reverse(name)).status_code == 403


def test_suppliers_have_no_shared_list(client, world):
    client.force_login(world["owner"])
    assert client.get(reverse("showcases:shared_list")).status_code == 403


def test_cannot_share_with_a_supplier_or_add_someone_elses_product(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.showcase_share(
            showcase=world["showcase"], by_user=world["owner"], companies=[supplier_member().company]
        )
    with pytest.raises(ValidationError):
        services.showcase_items_add(
            showcase=world["showcase"], by_user=world["owner"], product_ids=[ProductFactory().pk]
        )


def test_showcase_page_query_count(client, world, chapter84):
    client.force_login(world["buyer"])
    showcase = world["showcase"]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(showcase)).status_code == 200
        return len(ctx.captured_queries)

    cold = count()
    few = count()
    for _ in range(15):
        ShowcaseItemFactory(showcase=showcase)
    many = count()
    # session, user, membership + unread count (the first page only: then kept per person),
    # showcase+access, items with thumbnails, interests, view insert (with its savepoint-free
    # autocommit): constant however many products.
    assert cold == 8
    assert few == many == 7

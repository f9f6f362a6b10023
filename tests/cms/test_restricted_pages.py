"""Password-protected pages can be unlocked; documents of a private collection are never served bare."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site

from cms.models import StandardPage

Document = get_document_model()

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_page():
    root = Page.get_first_root_node()
    page = root.add_child(
        instance=StandardPage(title="Exhibitor handbook", slug="handbook", intro="Hall rules")
    )
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": page})
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="booth-2027"
    )
    return page


def test_the_right_password_unlocks_the_page(client, locked_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hall rules" not in html
    restriction = locked_page.get_view_restrictions().get()
    action = f"/_util/authenticate_with_password/{restriction.pk}/{locked_page.pk}/"
    assert action in html  # the form posts to Wagtail's own route…

    wrong = client.post(action, {"password": "guess", "return_url": "/"})
    assert wrong.status_code == 200 and "Hall rules" not in wrong.content.decode()

    right = client.post(action, {"password": "booth-2027", "return_url": "/"})  # …which is reachable
    assert right.status_code == 302 and right["Location"] == "/"
    assert "Hall rules" in client.get("/").content.decode()


@pytest.fixture
def private_document(settings):
    root = Collection.get_first_root_node()
    collection = root.add_child(instance=Collection(name="Exhibitors only"))
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = Document.objects.create(
        title="Booth price list",
        collection=collection,
        file=ContentFile(b"%PDF-1.4 prices", name="prices.pdf"),
    )
    return document


def test_documents_are_stored_outside_the_public_media_folder(settings, private_document):
    path = private_document.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_a_private_collection_is_served_only_through_the_checked_view(client, private_document, buyer_owner):
    url = private_document.url
    assert url == f"/documents/cms/{private_document.pk}/{private_document.filename}"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(buyer_owner)
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 prices"

"""Operators download verification documents with their real extension."""

import pytest
from django.urls import reverse

from marketplace.companies.models import VerificationDocument
from tests.marketplace.companies.test_verification import PDF, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "extension", "kind"),
    [
        ("licence.pdf", PDF, "pdf", "business_licence"),
        ("scan", png_bytes(), "png", "business_licence"),  # no extension uploaded: the content decides
    ],
)
def test_the_download_keeps_the_type_its_content_was_checked_to_be(
    client, supplier_owner, operator, name, content, extension, kind
):
    client.force_login(supplier_owner)
    upload(client, name, content, kind=kind)
    document = VerificationDocument.objects.get()
    client.force_login(operator)
    response = client.get(reverse("companies:document_file", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="business-licence-{document.pk}.{extension}"'
    assert response["Cache-Control"].startswith("private")
    assert response["X-Content-Type-Options"] == "nosniff"

"""Verification documents: content-checked upload, the operator queue, decisions kept with who and when."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from marketplace.companies.models import DocumentStatus, VerificationDecision, VerificationDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
    + b"\x00" * 200
)


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, "PNG")
    return buf.getvalue()


def upload(client, name, content, kind="business_licence"):
    return client.post(
        reverse("companies:verification"),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_pdf_and_png_are_accepted(client, supplier_owner):
    client.force_login(supplier_owner)
    assert upload(client, "licence.pdf", PDF).status_code == 302
    assert upload(client, "export.png", png_bytes(), kind="export_licence").status_code == 302
    types = set(VerificationDocument.objects.values_list("content_type", flat=True))
    assert types == {"application/pdf", "image/png"}


def test_renamed_exe_is_refused_with_a_clear_message(client, supplier_owner):
    client.force_login(supplier_owner)
    response = upload(client, "licence.pdf", EXE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a PDF, JPEG or PNG" in html and "EXE" in html
    assert not VerificationDocument.objects.exists()


def test_oversized_file_is_refused(client, supplier_owner, settings):
    settings.VERIFICATION_MAX_UPLOAD_BYTES = 100
    client.force_login(supplier_owner)
    response = upload(client, "licence.pdf", PDF + b"0" * 200)
    assert "the limit is" in response.content.decode()
    assert not VerificationDocument.objects.exists()


def test_operator_approves_and_company_becomes_verified(
    client, supplier_owner, operator, django_capture_on_commit_callbacks
):
    client.force_login(supplier_owner)
    upload(client, "licence.pdf", PDF)
    document = VerificationDocument.objects.get()
    client.force_login(operator)
    queue = client.get(reverse("companies:operator_queue")).content.decode()
    assert supplier_owner.company.name in queue
    url = reverse("companies:operator_review", args=[document.pk])
    # The operator says until when the licence is valid (or that it states no end date).
    missing = client.post(url, {"decision": "approve"})
    assert (
        missing.status_code == 200 and "Enter the last day the document is valid" in missing.content.decode()
    )
    valid_until = timezone.localdate() + timedelta(days=400)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve", "valid_until": valid_until.isoformat()})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.valid_until == valid_until
    company = document.company
    company.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED and company.is_verified
    decision = VerificationDecision.objects.get(document=document)
    assert decision.decided_by == operator and decision.decided_at is not None
    assert supplier_owner.notifications.filter(title__icontains="approved").exists()
    # The company sees the outcome on its own page, and until when it holds.
    client.force_login(supplier_owner)
    page = client.get(reverse("companies:verification")).content.decode()
    assert "Approved" in page and valid_until.isoformat() in page and "400 days left" in page


def test_rejection_needs_a_reason_and_is_kept(client, supplier_owner, operator):
    client.force_login(supplier_owner)
    upload(client, "licence.pdf", PDF)
    document = VerificationDocument.objects.get()
    client.force_login(operator)
    url = reverse("companies:operator_review", args=[document.pk])
    response = client.post(url, {"decision": "reject", "reason": " "})
    assert response.status_code == 200 and not VerificationDecision.objects.exists()
    client.post(url, {"decision": "reject", "reason": "The licence has expired."})
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    assert VerificationDecision.objects.get().reason == "The licence has expired."
    client.force_login(supplier_owner)
    assert "The licence has expired." in client.get(reverse("companies:verification")).content.decode()


def test_revoking_approval_removes_the_badge_and_keeps_both_decisions(client, supplier_owner, operator):
    client.force_login(supplier_owner)
    upload(client, "licence.pdf", PDF)
    document = VerificationDocument.objects.get()
    client.force_login(operator)
    url = reverse("companies:operator_review", args=[document.pk])
    client.post(url, {"decision": "approve", "no_end_date": "on"})
    client.post(url, {"decision": "reject", "reason": "Forged stamp."})
    document.company.refresh_from_db()
    assert not document.company.is_verified
    assert list(document.decisions.values_list("status", flat=True)) == ["rejected", "approved"]


def test_document_file_is_private(client, supplier_owner, buyer_owner, operator):
    client.force_login(supplier_owner)
    upload(client, "licence.pdf", PDF)
    url = reverse("companies:document_file", args=[VerificationDocument.objects.get().pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(buyer_owner)
    assert client.get(url).status_code == 404
    client.force_login(operator)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 302

"""Uploads are judged by their bytes; private files live outside MEDIA_ROOT and are streamed after a check."""

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from marketplace.core import files

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DOCUMENTS = {"application/pdf", "image/png"}
WRONG = "Not a PDF or PNG (it is %(found)s)."


def image_bytes(fmt="PNG", size=(80, 60)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, fmt)
    return buf.getvalue()


def test_detect_type_reads_the_content_not_the_name():
    assert files.detect_type(
        SimpleUploadedFile("scan.png", PDF), allowed=DOCUMENTS, limit=10**6, wrong_type=WRONG
    ) == ("application/pdf")
    upload = SimpleUploadedFile("licence.pdf", image_bytes("GIF"))
    with pytest.raises(ValidationError) as err:
        files.detect_type(upload, allowed=DOCUMENTS, limit=10**6, wrong_type=WRONG)
    assert err.value.messages == ["Not a PDF or PNG (it is GIF)."]
    with pytest.raises(ValidationError) as err:
        files.detect_type(
            SimpleUploadedFile("a.pdf", b"plain words"), allowed=DOCUMENTS, limit=10**6, wrong_type=WRONG
        )
    assert err.value.messages == ["Not a PDF or PNG (it is unknown)."]


def test_detect_type_leaves_the_upload_rewound_for_storing():
    upload = SimpleUploadedFile("licence.pdf", PDF)
    files.detect_type(upload, allowed=DOCUMENTS, limit=10**6, wrong_type=WRONG)
    assert upload.read() == PDF


def test_sizes_are_checked_with_the_callers_words():
    with pytest.raises(ValidationError) as err:
        big = SimpleUploadedFile("a.pdf", PDF + b"\0" * 1_500_000)
        files.detect_type(big, allowed=DOCUMENTS, limit=1_000_000, wrong_type=WRONG)
    assert err.value.messages == ["The file is 1.5 MB; the limit is 1 MB."]
    with pytest.raises(ValidationError) as err:
        files.detect_type(SimpleUploadedFile("a.pdf", b""), allowed=DOCUMENTS, limit=10**6, wrong_type=WRONG)
    assert err.value.messages == ["The file is empty."]
    with pytest.raises(ValidationError) as err:
        files.check_size(3_000_000, limit=2_000_000, too_large="Photo %(size).1f of %(limit)d MB")
    assert err.value.messages == ["Photo 3.0 of 2 MB"]
    files.check_size(2_000_000, limit=2_000_000)  # at the limit is allowed


def probe(data, **overrides):
    options = {
        "formats": {"PNG": "image/png", "JPEG": "image/jpeg"},
        "max_pixels": 10_000,
        "min_side": 20,
        "wrong_format": "Only PNG or JPEG, not %(fmt)s.",
    }
    return files.probe_image(data, **{**options, **overrides})


def test_probe_image_returns_format_and_size_and_refuses_the_rest():
    assert probe(image_bytes("PNG", (80, 60))) == ("PNG", 80, 60)
    with pytest.raises(ValidationError, match="Only PNG or JPEG, not GIF"):
        probe(image_bytes("GIF"))
    with pytest.raises(ValidationError, match="too large \\(200 × 60 pixels\\)"):
        probe(image_bytes("PNG", (200, 60)))
    with pytest.raises(ValidationError, match="too small \\(80 × 10 pixels\\); use at least 20"):
        probe(image_bytes("PNG", (80, 10)))
    with pytest.raises(ValidationError, match="not a readable image"):
        probe(PDF)


@pytest.mark.django_db
def test_private_files_are_stored_outside_media_root():
    storage = files.private_storage()
    name = storage.save("verification/probe.pdf", ContentFile(PDF))
    try:
        path = storage.path(name)
        assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert not path.startswith(str(settings.MEDIA_ROOT))
    finally:
        storage.delete(name)


@pytest.mark.django_db
def test_serve_streams_with_nosniff_and_404s_when_the_file_is_gone():
    from marketplace.companies.models import VerificationDocument

    field = VerificationDocument._meta.get_field("file")
    assert field.storage.location == str(settings.PRIVATE_MEDIA_ROOT)
    storage = files.private_storage()
    name = storage.save("verification/served.pdf", ContentFile(PDF))

    file_field = field.attr_class(None, field, name)
    response = files.serve(file_field, "application/pdf", filename="licence.pdf", private=True)
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Disposition"] == 'inline; filename="licence.pdf"'
    response.close()
    storage.delete(name)
    with pytest.raises(Http404):
        files.serve(field.attr_class(None, field, name), "application/pdf")
    with pytest.raises(Http404):
        files.serve(field.attr_class(None, field, ""), "application/pdf")

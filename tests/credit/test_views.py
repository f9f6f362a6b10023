"""Operator pages: upload a partner file, list batches, review rejected rows; risk officers may read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credit.models import Fact, ImportBatch

PAGES = ["credit:batch_list", "credit:batch_upload"]


def csv_file(subject, name="feed.csv"):
    text = (
        "kind,subject_id,occurred_at,external_ref,rating\n"
        f"bank_rating,{subject.pk},2024-01-15,r-1,A\n"
        f"bank_rating,{subject.pk},2024-13-45,r-2,A\n"
    )
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["supplier_owner", "editor"])
def test_people_who_are_not_operators_are_refused(client, request, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_risk_officers_read_imports_but_never_upload(client, risk_officer, bank):
    """The risk dashboard links the imports: a risk officer reads them, only operators upload."""
    batch = ImportBatch.objects.create(source=bank, channel="command")
    client.force_login(risk_officer)
    listing = client.get(reverse("credit:batch_list"))
    assert listing.status_code == 200
    assert reverse("credit:batch_detail", args=[batch.pk]) in listing.content.decode()
    assert reverse("credit:batch_upload") not in listing.content.decode()
    assert client.get(reverse("credit:batch_detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("credit:batch_upload")).status_code == 403
    assert client.post(reverse("credit:batch_upload"), {"source": bank.pk}).status_code == 403
    # The dashboard's link leads somewhere that answers.
    assert reverse("credit:batch_list") in client.get(reverse("companies:risk_home")).content.decode()


@pytest.mark.django_db
def test_batch_detail_is_refused_to_non_operators(client, supplier_owner, bank):
    batch = ImportBatch.objects.create(source=bank, channel="command")
    client.force_login(supplier_owner)
    assert client.get(reverse("credit:batch_detail", args=[batch.pk])).status_code == 403


@pytest.mark.django_db
def test_an_operator_uploads_a_file_and_sees_its_rejected_rows(client, operator, subject, bank):
    client.force_login(operator)
    response = client.post(
        reverse("credit:batch_upload"), {"source": bank.pk, "file": csv_file(subject)}, follow=True
    )
    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("credit:batch_detail", args=[batch.pk])
    assert (batch.channel, batch.created_by, batch.rows_created, batch.rows_rejected) == (
        "upload",
        operator,
        1,
        1,
    )
    page = response.content.decode()
    assert "not a calendar date" in page or "expected an ISO 8601" in page
    assert Fact.objects.count() == 1


@pytest.mark.django_db
def test_uploading_the_same_file_again_adds_nothing_and_says_so(client, operator, subject, bank):
    client.force_login(operator)
    client.post(reverse("credit:batch_upload"), {"source": bank.pk, "file": csv_file(subject)})
    response = client.post(
        reverse("credit:batch_upload"), {"source": bank.pk, "file": csv_file(subject)}, follow=True
    )
    assert "already imported" in response.content.decode()
    assert ImportBatch.objects.count() == 1 and Fact.objects.count() == 1


@pytest.mark.django_db
def test_the_upload_form_refuses_other_file_types(client, operator, subject, bank):
    client.force_login(operator)
    response = client.post(
        reverse("credit:batch_upload"), {"source": bank.pk, "file": csv_file(subject, "feed.xlsx")}
    )
    assert response.status_code == 200 and ".csv or .jsonl" in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_the_batch_list_filters_by_source_in_a_fixed_number_of_queries(
    client, operator, bank, insurer, django_assert_max_num_queries
):
    for _ in range(5):
        ImportBatch.objects.create(source=bank, channel="command", file_name="bank.csv")
    ImportBatch.objects.create(source=insurer, channel="command", file_name="insurer.csv")
    client.force_login(operator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("credit:batch_list"), {"source": insurer.code})
    assert list(response.context["page_obj"]) == list(ImportBatch.objects.filter(source=insurer))

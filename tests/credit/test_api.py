"""The partner REST API: token auth, scoping, limits, per-item results, throttling, schema."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from credit.api import MAX_FACTS
from credit.models import ApiToken, Fact, ImportBatch, RejectedRow
from credit.tokens import api_token_create, api_token_revoke

URL = "/credit/api/v1/facts/"


def rating(subject, ref="r-1", **extra):
    return {
        "kind": "bank_rating",
        "subject_id": subject.pk,
        "occurred_at": "2024-05-01",
        "external_ref": ref,
        "payload": {"rating": "A"},
        **extra,
    }


@pytest.fixture
def bank_token(bank):
    return api_token_create(source=bank, name="nightly feed")


def client_for(raw=None):
    client = APIClient()
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_the_url_name_matches_the_documented_path():
    assert reverse("credit:api_facts") == URL


@pytest.mark.django_db
def test_tokens_are_stored_hashed_and_work_once_created(bank_token, subject):
    token, raw = bank_token
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    response = post(client_for(raw), {"facts": [rating(subject)]})
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"index": 0, "external_ref": "r-1", "status": "created", "errors": []}
    ]
    fact = Fact.objects.get()
    assert fact.api_token_id == token.pk and fact.batch.channel == "api"


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer tfc_00000000_wrong", "Token abc", "Bearer"])
def test_requests_without_a_valid_token_are_refused(header, subject):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = post(client, {"facts": [rating(subject)]})
    assert response.status_code == 401
    assert Fact.objects.count() == 0


@pytest.mark.django_db
def test_a_revoked_token_is_refused(bank_token, subject):
    token, raw = bank_token
    api_token_revoke(token=token)
    response = post(client_for(raw), {"facts": [rating(subject)]})
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert Fact.objects.count() == 0


@pytest.mark.django_db
def test_a_bank_token_cannot_write_insurance_facts(bank_token, subject):
    _, raw = bank_token
    insurance = {
        "kind": "insurance_limit_granted",
        "subject_id": subject.pk,
        "occurred_at": "2024-05-01",
        "external_ref": "lim-1",
        "payload": {"limit": "1000", "currency": "EUR"},
    }
    response = post(client_for(raw), {"facts": [insurance, rating(subject)]})
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["status"] == "rejected" and first["errors"][0]["field"] == "kind"
    assert "may not send insurance_limit_granted" in first["errors"][0]["reason"]
    assert second["status"] == "created"
    assert list(Fact.objects.values_list("kind", flat=True)) == ["bank_rating"]


@pytest.mark.django_db
def test_per_item_results_cover_created_duplicate_and_rejected(bank_token, subject):
    _, raw = bank_token
    client = client_for(raw)
    post(client, {"facts": [rating(subject, "r-1")]})
    items = [
        rating(subject, "r-1"),
        rating(subject, "r-2"),
        rating(subject, "r-3", occurred_at="May 1st"),
        {**rating(subject, "r-4"), "subject_id": 999999},
    ]
    body = post(client, {"facts": items}).json()
    assert [r["status"] for r in body["results"]] == ["duplicate", "created", "rejected", "rejected"]
    assert body["results"][2]["errors"][0]["field"] == "occurred_at"
    assert body["results"][3]["errors"] == [{"field": "subject_id", "reason": "no subject with id 999999"}]
    assert (body["created"], body["duplicates"], body["rejected"]) == (1, 1, 2)
    assert RejectedRow.objects.filter(batch_id=body["batch"]).count() == 2


@pytest.mark.django_db
def test_malformed_json_is_a_400_with_a_clear_message(bank_token):
    _, raw = bank_token
    response = client_for(raw).post(URL, data='{"facts": [', content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
    response = post(client_for(raw), [1, 2])
    assert response.status_code == 400 and "facts" in response.json()["detail"]
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_too_many_facts_are_refused_and_nothing_is_written(bank_token, subject):
    _, raw = bank_token
    items = [rating(subject, f"r-{i}") for i in range(MAX_FACTS + 1)]
    response = post(client_for(raw), {"facts": items})
    assert response.status_code == 413 and f"at most {MAX_FACTS}" in response.json()["detail"]
    assert Fact.objects.count() == 0 and ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_a_huge_body_is_refused_before_it_is_parsed(bank_token, subject):
    _, raw = bank_token
    padding = "x" * (3 * 1024 * 1024)
    response = post(client_for(raw), {"facts": [rating(subject, padding)]})
    assert response.status_code == 413 and "Nothing was written" in response.json()["detail"]
    assert Fact.objects.count() == 0


@pytest.mark.django_db
def test_requests_are_throttled_per_token(bank_token, bank, subject, settings):
    settings.CREDIT_API_RATE = "2/min"
    _, raw = bank_token
    _, other_raw = api_token_create(source=bank, name="second")
    client = client_for(raw)
    assert [post(client, {"facts": [rating(subject, f"r-{i}")]}).status_code for i in range(3)] == [
        200,
        200,
        429,
    ]
    assert post(client_for(other_raw), {"facts": [rating(subject, "r-9")]}).status_code == 200


@pytest.mark.django_db
def test_the_openapi_schema_is_served_and_documents_the_endpoint():
    response = APIClient().get("/credit/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert list(schema["paths"]) == [URL]
    operation = schema["paths"][URL]["post"]
    assert {"200", "400", "401", "413", "429"} <= set(operation["responses"])

"""Risk officers' credit pages: the credit file and the model registry, refused to everyone else."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from credit import facts
from credit.models import ModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(subject, platform):
    facts.record(
        source=platform,
        kind="payment_late",
        subject=subject,
        external_ref="late-1",
        payload={"days_late": 40, "amount": "900", "currency": "USD"},
        occurred_at=timezone.now() - dt.timedelta(days=20),
    )
    return subject


def test_risk_officer_reads_the_credit_file(client, risk_officer, scored):
    client.force_login(risk_officer)
    html = client.get(reverse("credit:subject_credit", args=[scored.pk])).content.decode()
    assert "Credit file" in html and "<svg" in html and "A payment was 40 days late" in html
    # Facts with their provenance, grouped by source.
    assert "late-1" in html


def test_credit_file_in_chinese(client, risk_officer, scored):
    client.force_login(risk_officer)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("credit:subject_credit", args=[scored.pk])).content.decode()
    assert "近24个月有一笔付款逾期 40 天" in html


@pytest.mark.parametrize("who", ["supplier_owner", "buyer_owner", "operator", "editor"])
def test_credit_internals_refused_to_everyone_but_risk_officers(client, request, scored, who):
    client.force_login(request.getfixturevalue(who))
    for url in [reverse("credit:subject_credit", args=[scored.pk]), reverse("credit:model_registry")]:
        response = client.get(url)
        assert response.status_code == 403
        # Nothing of the credit file leaks into the refusal (the menu may name the payment pages).
        html = response.content.decode()
        assert "days late" not in html and "late-1" not in html and "Credit file" not in html


def test_anonymous_is_sent_to_sign_in(client, scored):
    response = client.get(reverse("credit:subject_credit", args=[scored.pk]))
    assert response.status_code == 302 and "login" in response.url


def test_registry_lists_versions_and_promotes_with_reason(client, risk_officer, scored):
    client.force_login(risk_officer)
    html = client.get(reverse("credit:model_registry")).content.decode()
    assert "Expert scorecard" in html and "Champion" in html
    summary = {
        "auc": {"mean": 0.7, "std": 0.01},
        "ks": {"mean": 0.3, "std": 0.01},
        "brier": {"mean": 0.05, "std": 0.01},
    }
    challenger = ModelVersion.objects.create(
        version=99,
        kind=ModelVersion.Kind.XGBOOST,
        metrics={"summary": summary, "scorecard_on_same_rows": {"auc": 0.8, "brier": 0.04}},
    )
    url = reverse("credit:model_promote", args=[99])
    client.post(url, {"force": ""})
    challenger.refresh_from_db()
    assert challenger.status == ModelVersion.Status.CHALLENGER
    client.post(url, {"force": "on", "reason": "Scorecard overfits the new buyers."})
    challenger.refresh_from_db()
    assert challenger.status == ModelVersion.Status.CHAMPION and challenger.promoted_by == risk_officer


def test_promotion_refused_to_non_risk_officers(client, operator, scored):
    client.force_login(operator)
    ModelVersion.objects.create(version=7, kind=ModelVersion.Kind.XGBOOST, metrics={})
    assert (
        client.post(reverse("credit:model_promote", args=[7]), {"force": "on", "reason": "x"}).status_code
        == 403
    )
    assert ModelVersion.objects.get(version=7).status == ModelVersion.Status.CHALLENGER


def test_unknown_company_is_404(client, risk_officer):
    client.force_login(risk_officer)
    assert client.get(reverse("credit:subject_credit", args=[999999])).status_code == 404

"""The gating pages: only platform risk officers open them; the policy form, overrides and four eyes."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from credit.gating import DEFAULT_POLICY
from credit.models import GatingOverride, GatingPolicy
from tests.credit.factories import AssessmentFactory, GatingOverrideFactory
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.test_chinese_pages import english_words

pytestmark = pytest.mark.django_db

RATES = {"USD": Decimal("1"), "EUR": Decimal("1.10")}


def fixed_rates(on):
    return dict(RATES)


def no_exposure(subject):
    return []


@pytest.fixture(autouse=True)
def _inputs(settings):
    settings.CREDIT_FX_RATES = "tests.credit.test_gating_views.fixed_rates"
    settings.CREDIT_EXPOSURE = "tests.credit.test_gating_views.no_exposure"
    with translation.override("en"):
        yield


@pytest.fixture
def officer():
    return UserFactory(platform_role="risk_officer", email="first.officer@trustfair.example")


@pytest.fixture
def second_officer():
    return UserFactory(platform_role="risk_officer", email="second.officer@trustfair.example")


@pytest.fixture
def pending(officer):
    return GatingOverrideFactory(
        requested_by=officer,
        amount=Decimal("80000"),
        amount_base=Decimal("80000"),
        status=GatingOverride.Status.PENDING,
        needs_second_approval=True,
        reference="deal:77",
        refusal={"reasons": ["Open account needs grade A; this buyer is BBB."]},
    )


def urls(override):
    return [
        reverse("credit:gating_policy"),
        reverse("credit:gating_override_list"),
        reverse("credit:gating_override_create"),
        reverse("credit:gating_override_detail", args=[override.pk]),
        reverse("credit:gating_override_decide", args=[override.pk, "approve"]),
        reverse("credit:gating_override_decide", args=[override.pk, "reject"]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, pending):
    for url in urls(pending):
        response = client.post(url) if url.endswith(("approve/", "reject/")) else client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(
    "who", ["supplier_owner", "buyer_owner", "operator", "editor", "partner_risk_officer"]
)
def test_nobody_but_a_platform_risk_officer_opens_or_changes_anything(client, request, pending, who):
    if who == "partner_risk_officer":
        user = MembershipFactory(
            company=CompanyFactory(name="Partner Bank"), user=UserFactory(platform_role="risk_officer")
        ).user
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    for url in urls(pending):
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, {"note": "x", "reason": "x"}).status_code == 403, url
    pending.refresh_from_db()
    assert pending.status == GatingOverride.Status.PENDING
    assert GatingPolicy.objects.count() == 1


def policy_post(reason="Tighter limits for BB", **changes):
    data = {"base_currency": "USD", "reason": reason}
    for grade, (terms, limit, days) in DEFAULT_POLICY.items():
        data[f"g-{grade}-allowed_terms"] = list(terms)
        data[f"g-{grade}-credit_limit"] = str(limit)
        data[f"g-{grade}-max_term_days"] = str(days)
    data.update(changes)
    return data


def test_the_policy_page_saves_a_new_version_and_shows_the_history(client, officer):
    client.force_login(officer)
    page = client.get(reverse("credit:gating_policy")).content.decode()
    assert "Version 1 is in force" in page and 'name="g-NR-credit_limit"' in page
    response = client.post(reverse("credit:gating_policy"), policy_post(**{"g-BB-credit_limit": "40000"}))
    assert response.status_code == 302
    policy = GatingPolicy.objects.get(version=2)
    assert policy.created_by == officer and policy.reason == "Tighter limits for BB"
    assert policy.rules.get(grade="BB").credit_limit == Decimal("40000")
    page = client.get(reverse("credit:gating_policy")).content.decode()
    assert "Version 2 is in force" in page and officer.email in page and "Tighter limits for BB" in page
    old = client.get(reverse("credit:gating_policy"), {"version": 1}).content.decode()
    assert "Version 1 (no longer in force)" in old and "50,000 USD" in old
    assert client.get(reverse("credit:gating_policy"), {"version": 99}).status_code == 404


def test_a_wrong_policy_shows_the_message_next_to_its_row_and_saves_nothing(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("credit:gating_policy"),
        policy_post(reason="", **{"g-B-credit_limit": "70000", "g-A-max_term_days": "-3"}),
    )
    assert response.status_code == 200
    forms = {grade: form for grade, _label, form in response.context["rows"]}
    assert forms["A"].errors["max_term_days"]
    assert response.context["head"].errors["reason"]
    assert GatingPolicy.objects.count() == 1
    # Fields valid, the cross-row rule broken: the error sits on the worse grade's row.
    response = client.post(reverse("credit:gating_policy"), policy_post(**{"g-B-credit_limit": "70000"}))
    forms = {grade: form for grade, _label, form in response.context["rows"]}
    assert (
        "The limit for B cannot be higher than the limit for BB (50,000 USD)."
        in forms["B"].non_field_errors()
    )
    assert GatingPolicy.objects.count() == 1


def test_the_override_form_is_prefilled_from_the_deal_link_and_explains_the_refusal(client, officer):
    subject = AssessmentFactory(grade="BBB").subject
    client.force_login(officer)
    query = {
        "subject": subject.pk,
        "action": "open_account",
        "amount": "60000",
        "currency": "EUR",
        "term_days": "30",
        "reference": "deal:42",
    }
    response = client.get(reverse("credit:gating_override_create"), query)
    page = response.content.decode()
    assert "Open account needs grade A; this buyer is BBB." in page
    assert 'value="deal:42"' in page and 'value="60000"' in page
    query["reason"] = "Parent company guarantee on file."
    response = client.post(reverse("credit:gating_override_create"), query)
    override = GatingOverride.objects.get()
    assert response["Location"] == reverse("credit:gating_override_detail", args=[override.pk])
    assert override.status == GatingOverride.Status.PENDING  # 66,000 USD > 50,000
    assert override.requested_by == officer and override.amount_base == Decimal("66000.00")


def test_the_override_form_says_what_is_wrong(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("credit:gating_override_create"),
        {"subject": 999999, "action": "dp", "amount": "0", "currency": "EUX", "reference": "", "reason": ""},
    )
    form = response.context["form"]
    assert set(form.errors) == {"subject", "amount", "currency", "reference", "reason"}
    assert "There is no company with this number." in form.errors["subject"]
    allowed = AssessmentFactory(grade="AAA").subject
    response = client.post(
        reverse("credit:gating_override_create"),
        {
            "subject": allowed.pk,
            "action": "dp",
            "amount": "10",
            "currency": "USD",
            "reference": "deal:1",
            "reason": "r",
        },
    )
    assert "The policy already allows these terms; no override is needed." in response.content.decode()
    assert not GatingOverride.objects.exists()


def test_the_list_shows_overrides_waiting_for_approval_first(
    client, officer, pending, django_assert_max_num_queries
):
    done = [GatingOverrideFactory(reference=f"deal:{n}") for n in range(5)]
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("credit:gating_override_list"))
    listed = list(response.context["page_obj"])
    assert listed[0] == pending and set(listed[1:]) == set(done)
    assert "1 override waits for a second approval." in response.content.decode()


def test_four_eyes_on_the_pages(client, officer, second_officer, pending):
    detail = reverse("credit:gating_override_detail", args=[pending.pk])
    client.force_login(officer)
    page = client.get(detail).content.decode()
    assert "a second risk officer must approve it" in page and "Approve</button>" not in page
    client.post(reverse("credit:gating_override_decide", args=[pending.pk, "approve"]))
    pending.refresh_from_db()
    assert pending.status == GatingOverride.Status.PENDING
    client.force_login(second_officer)
    assert "Approve</button>" in client.get(detail).content.decode()
    response = client.post(
        reverse("credit:gating_override_decide", args=[pending.pk, "approve"]), {"note": "Checked."}
    )
    assert response["Location"] == detail
    pending.refresh_from_db()
    assert pending.status == GatingOverride.Status.EFFECTIVE and pending.decided_by == second_officer
    assert "Checked." in client.get(detail).content.decode()
    assert (
        client.post(reverse("credit:gating_override_decide", args=[pending.pk, "delete"])).status_code == 404
    )


def test_a_pending_override_is_rejected_with_a_note(client, second_officer, pending):
    client.force_login(second_officer)
    url = reverse("credit:gating_override_decide", args=[pending.pk, "reject"])
    client.post(url, {"note": ""})
    pending.refresh_from_db()
    assert pending.status == GatingOverride.Status.PENDING
    client.post(url, {"note": "No guarantee attached."})
    pending.refresh_from_db()
    assert (
        pending.status == GatingOverride.Status.REJECTED and pending.decision_note == "No guarantee attached."
    )


def test_a_missing_override_is_a_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("credit:gating_override_detail", args=[424242])).status_code == 404


def test_the_gating_pages_in_chinese_have_no_english_ui_text(client, officer, second_officer, pending):
    subject = AssessmentFactory(grade="BBB").subject
    client.force_login(second_officer)
    client.cookies["django_language"] = "zh-hans"
    query = (
        f"?subject={subject.pk}&action=open_account&amount=60000&currency=EUR&term_days=30&reference=deal:42"
    )
    pages = [
        reverse("credit:gating_policy"),
        reverse("credit:gating_policy") + "?version=1",
        reverse("credit:gating_override_list"),
        reverse("credit:gating_override_create") + query,
        reverse("credit:gating_override_detail", args=[pending.pk]),
    ]
    # Data, not UI text: the seeded version's reason, the override's own words, names and references.
    data = {
        GatingPolicy.objects.get(version=1).reason,
        pending.reason,
        str(pending.subject),
        str(subject),
        "Open account needs grade A; this buyer is BBB.",
        "deal:42",
        "deal:77",
    }
    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        words = english_words(response.content.decode(), data)
        if words:
            found[path] = sorted(words)
    assert not found, found

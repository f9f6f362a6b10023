"""Admin: tokens show their raw value once and can be revoked; facts can be viewed, never changed."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from credit import facts
from credit.models import ApiToken
from credit.tokens import api_token_authenticate


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(email="root@example.com", password="pw-long-enough-1")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_creating_a_token_shows_the_raw_value_once(admin_client, bank):
    response = admin_client.post(
        reverse("admin:credit_apitoken_add"), {"source": bank.pk, "name": "feed"}, follow=True
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)] or [response.content.decode()]
    raw = next(word for text in texts for word in text.split() if word.startswith("tfc_"))
    token = ApiToken.objects.get()
    assert api_token_authenticate(raw) == token
    assert (
        raw not in admin_client.get(reverse("admin:credit_apitoken_change", args=[token.pk])).content.decode()
    )


@pytest.mark.django_db
def test_the_revoke_action_revokes(admin_client, bank):
    from credit.tokens import api_token_create

    token, raw = api_token_create(source=bank, name="feed")
    admin_client.post(
        reverse("admin:credit_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and api_token_authenticate(raw) is None


@pytest.mark.django_db
def test_facts_are_read_only_in_the_admin(admin_client, subject):
    fact, _ = facts.record(
        source="platform",
        kind="order_cancelled",
        subject=subject,
        payload={},
        occurred_at="2024-01-01",
        external_ref="o-1",
    )
    change_url = reverse("admin:credit_fact_change", args=[fact.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url, {"kind": "default"}).status_code == 403
    assert admin_client.get(reverse("admin:credit_fact_delete", args=[fact.pk])).status_code == 403
    assert admin_client.get(reverse("admin:credit_fact_add")).status_code == 403

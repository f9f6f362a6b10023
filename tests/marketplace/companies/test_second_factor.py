"""Risk officers and operators must sign in with TOTP; company members are not forced to."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from marketplace.companies.models import PlatformRole
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enforce(settings):
    settings.STAFF_REQUIRE_MFA = True


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


@pytest.mark.parametrize("role", [PlatformRole.RISK_OFFICER, PlatformRole.OPERATOR])
def test_staff_without_totp_must_set_it_up_first(client, role):
    user = UserFactory(platform_role=role)
    sign_in(client, user.email)
    response = client.get(
        reverse("companies:risk_home" if role == PlatformRole.RISK_OFFICER else "companies:operator_queue")
    )
    # allauth may ask for the password again before showing the TOTP setup page.
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_risk_officer_with_totp_needs_the_code(client):
    user = UserFactory(platform_role=PlatformRole.RISK_OFFICER)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = sign_in(client, user.email)
    assert response.url == reverse("mfa_authenticate")
    # Without the code, nothing of the dashboard.
    assert client.get(reverse("companies:risk_home")).status_code == 302
    response = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if current_code(secret) != "000000" else "111111"}
    )
    assert client.get(reverse("companies:risk_home")).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    response = client.get(reverse("companies:risk_home"))
    assert response.status_code == 200 and "Risk dashboard" in response.content.decode()


def test_forced_login_without_second_factor_is_sent_to_prove_it(client):
    user = UserFactory(platform_role=PlatformRole.OPERATOR)
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    response = client.get(reverse("companies:operator_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_reauthenticate"))


def test_company_members_are_not_forced(client, supplier_owner):
    sign_in(client, supplier_owner.email)
    assert client.get(reverse("companies:supplier_home")).status_code == 200


def test_demo_setting_relaxes_it(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    user = UserFactory(platform_role=PlatformRole.RISK_OFFICER)
    sign_in(client, user.email)
    assert client.get(reverse("companies:risk_home")).status_code == 200


def test_wrong_password_is_throttled(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    user = UserFactory()
    for _ in range(3):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session

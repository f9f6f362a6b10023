"""Passwords are hashed with Argon2; accounts hashed before with PBKDF2 still sign in and are upgraded."""

import pytest
from django.contrib.auth.hashers import make_password

from marketplace.settings import PASSWORD_HASHERS as PROJECT_HASHERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_new_passwords_use_argon2(settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS  # the test settings use a fast hasher
    assert make_password("a-long-pass-2026").startswith("argon2$")


def test_an_old_pbkdf2_password_still_signs_in_and_is_upgraded(client, settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS  # the test settings use a fast hasher
    user = UserFactory(email="old.account@example.com")
    user.password = make_password("a-long-pass-2026", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert client.login(email="old.account@example.com", password="a-long-pass-2026")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")

"""The admins work offline and leak nothing: no Gravatar, and /favicon.ico answers."""

import pytest
from django.contrib.staticfiles import finders

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_wagtail_admin_loads_no_avatar_from_gravatar(client):
    admin = UserFactory(email="chief.editor@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/cms/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dashboard" in html or "dashboard" in html  # it is the admin's home, not an error page
    assert "gravatar" not in html.lower()


def test_favicon_ico_leads_to_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.ico"
    path = finders.find("img/favicon.ico")
    with open(path, "rb") as fh:
        assert fh.read(4) == b"\x00\x00\x01\x00"  # an ICO file's signature

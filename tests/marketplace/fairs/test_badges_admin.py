"""Operators create a session's service points in the admin and assign their staff; registrations and
check-ins are read there, never changed (the services do that, audited)."""

import pytest
from django.urls import reverse

from marketplace.companies.models import PlatformRole
from marketplace.companies.staff_groups import OPERATORS, ensure_staff_groups
from marketplace.fairs.models import ServicePoint
from tests.marketplace.companies.factories import UserFactory
from tests.marketplace.fairs.factories import CheckInFactory, FairSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_admin():
    user = UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True)
    user.groups.add(ensure_staff_groups()[OPERATORS])
    return user


def test_an_operator_creates_a_service_point_with_staff(client, operator_admin):
    session = FairSessionFactory()
    desk = UserFactory()
    client.force_login(operator_admin)
    response = client.post(
        reverse("admin:fairs_servicepoint_add"),
        {
            "session": session.pk,
            "name": "South desk",
            "name_zh": "南门服务台",
            "location": "Area C",
            "staff": [desk.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    point = ServicePoint.objects.get(name="South desk")
    assert list(point.staff.all()) == [desk]


def test_registrations_and_check_ins_are_read_only_in_the_admin(client, operator_admin):
    check_in = CheckInFactory()
    registration = check_in.badge.registration
    client.force_login(operator_admin)
    url = reverse("admin:fairs_registration_change", args=[registration.pk])
    page = client.get(url)
    assert page.status_code == 200 and registration.full_name in page.content.decode()
    client.post(url, {"full_name": "Changed"})
    registration.refresh_from_db()
    assert registration.full_name != "Changed"
    assert client.get(reverse("admin:fairs_registration_add")).status_code == 403
    assert client.get(reverse("admin:fairs_checkin_changelist")).status_code == 200
    assert (
        client.post(reverse("admin:fairs_checkin_delete", args=[check_in.pk]), {"post": "yes"}).status_code
        == 403
    )

"""Every badge page tried by every other principal: a badge only for its holder, the desk only for its
staff; the buyer registers and downloads; the desk looks up, registers walk-ins, reprints, revokes and
checks in (a second scan the same day says when the first was)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.fairs import badge_tokens
from marketplace.fairs.models import CheckIn, Registration
from tests.marketplace.companies.factories import UserFactory, buyer_member, supplier_member
from tests.marketplace.fairs.factories import BadgeFactory, FairSessionFactory, ServicePointFactory
from tests.marketplace.fairs.factories_exhibitors import approved_exhibitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    point = ServicePointFactory(
        session=FairSessionFactory(starts_on=timezone.localdate() - dt.timedelta(days=1))
    )
    point.staff.add(UserFactory())
    return point


@pytest.fixture
def badge(point):
    return BadgeFactory(registration__session=point.session, registration__full_name="Anna Weber")


def desk_urls(point, badge):
    kw = {"pk": point.pk, "badge_pk": badge.pk}
    return [
        ("get", reverse("badges:desk", args=[point.pk]) + "?q=Anna"),
        ("post", reverse("badges:desk_check_in", args=[point.pk])),
        ("get", reverse("badges:desk_walk_in", args=[point.pk])),
        ("get", reverse("badges:desk_badge", kwargs=kw)),
        ("get", reverse("badges:desk_badge_pdf", kwargs=kw)),
        ("post", reverse("badges:desk_reprint", kwargs=kw)),
        ("post", reverse("badges:desk_revoke", kwargs=kw)),
    ]


def test_a_buyer_registers_and_downloads_only_their_own_badge(client):
    buyer = buyer_member()
    session = FairSessionFactory()
    client.force_login(buyer)
    url = reverse("badges:register", args=[session.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"full_name": "王小明"})
    assert response.status_code == 302
    registration = Registration.objects.get(user=buyer, session=session)
    assert registration.full_name == "王小明"
    assert client.get(url).status_code == 302  # registered already: to the badges
    page = client.get(reverse("badges:my_badges"))
    pdf_url = reverse("badges:badge_pdf", args=[registration.badge.pk])
    assert pdf_url in page.content.decode()
    download = client.get(pdf_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    registration.badge.refresh_from_db()
    assert registration.badge.printed == 1

    client.force_login(buyer_member())
    assert client.get(pdf_url).status_code == 404
    client.force_login(supplier_member())
    assert client.get(pdf_url).status_code == 404
    client.logout()
    response = client.get(pdf_url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_registration_errors_show_at_the_field(client):
    client.force_login(buyer_member())
    response = client.post(reverse("badges:register", args=[FairSessionFactory().slug]), {"full_name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]


def test_the_buyer_page_refuses_suppliers_and_anonymous(client):
    url = reverse("badges:register", args=[FairSessionFactory().slug])
    assert client.get(url).status_code == 302
    client.force_login(supplier_member())
    assert client.get(url).status_code == 403


def test_a_supplier_owner_registers_staff_and_only_an_owner(client):
    owner = supplier_member()
    session = FairSessionFactory()
    url = reverse("badges:register_staff", args=[session.slug])
    client.force_login(owner)
    # Not (yet) an exhibitor of this session: a page that says why, and nothing registered.
    refused = client.post(url, {"member": owner.membership.pk, "full_name": "Li Na"})
    assert refused.status_code == 403 and "approved exhibitors" in refused.content.decode()
    assert not Registration.objects.filter(session=session).exists()
    approved_exhibitor(session=session, company=owner.membership.company)
    response = client.post(url, {"member": owner.membership.pk, "full_name": "Li Na"})
    assert response.status_code == 302
    assert Registration.objects.get(user=owner, session=session).role == "exhibitor_staff"
    other = supplier_member()
    response = client.post(url, {"member": other.membership.pk, "full_name": "X"})
    assert response.context["form"].errors["member"]  # another company's member is no choice
    client.force_login(buyer_member())
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "buyer", "holder", "operator", "other_desk"])
def test_desk_pages_are_for_its_staff_only(client, point, badge, operator, who):
    if who == "buyer":
        client.force_login(buyer_member())
    elif who == "holder":
        client.force_login(badge.registration.user)
    elif who == "operator":
        client.force_login(operator)
    elif who == "other_desk":
        other = ServicePointFactory()
        other.staff.add(UserFactory())
        client.force_login(other.staff.get())
    for method, url in desk_urls(point, badge):
        response = getattr(client, method)(url, {"code": badge_tokens.token_for(badge), "reason": "x"})
        if who == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"], url
        else:
            assert response.status_code == 404, (who, url)
    badge.refresh_from_db()
    assert not badge.is_revoked and badge.printed == 0
    assert not CheckIn.objects.exists()


def test_a_desk_never_opens_a_badge_of_another_session(client, point):
    client.force_login(point.staff.get())
    stranger = BadgeFactory()
    for method, url in desk_urls(point, stranger)[3:]:
        assert getattr(client, method)(url, {"reason": "x"}).status_code == 404


def test_the_desk_checks_in_by_typed_code_once_a_day(client, point, badge):
    client.force_login(point.staff.get())
    url = reverse("badges:desk_check_in", args=[point.pk])
    code = badge_tokens.token_for(badge)
    first = client.post(url, {"code": f"  {code} "})
    assert first.status_code == 200
    assert "Anna Weber checked in." in first.content.decode()
    at = timezone.localtime(CheckIn.objects.get().at).strftime("%H:%M")
    second = client.post(url, {"code": code})
    assert f"Anna Weber: already checked in at {at}." in second.content.decode()
    assert CheckIn.objects.count() == 1
    refused = client.post(url, {"code": "nonsense"})
    assert refused.status_code == 422
    assert "not a TrustFair badge code" in str(refused.context["check_in_form"].errors["code"])


def test_the_desk_says_a_revoked_badge_is_revoked_in_chinese_too(client, point, badge):
    client.force_login(point.staff.get())
    badge.revoked_at = timezone.now()
    badge.save()
    url = reverse("badges:desk_check_in", args=[point.pk])
    refused = client.post(url, {"code": badge_tokens.token_for(badge)})
    assert "revoked" in refused.content.decode()
    try:
        refused = client.post(url, {"code": badge_tokens.token_for(badge)}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert "吊销" in refused.content.decode()
    finally:
        translation.activate("en")


def test_the_desk_looks_up_registers_a_walk_in_reprints_and_revokes(client, point, badge):
    client.force_login(point.staff.get())
    found = client.get(reverse("badges:desk", args=[point.pk]), {"q": badge.registration.company_name})
    assert "Anna Weber" in found.content.decode()

    walk_in = reverse("badges:desk_walk_in", args=[point.pk])
    bad = client.post(walk_in, {"full_name": "", "company_name": "", "country": "XX", "email": "nope"})
    errors = bad.context["form"].errors
    assert {"full_name", "company_name", "country", "email"} <= set(errors)
    good = client.post(walk_in, {"full_name": "Jean Dupont", "company_name": "Dupont SARL", "country": "FR"})
    new = Registration.objects.get(full_name="Jean Dupont")
    assert new.walk_in and new.company is None
    assert good["Location"] == reverse("badges:desk_badge", kwargs={"pk": point.pk, "badge_pk": new.badge.pk})
    assert client.get(good["Location"]).status_code == 200
    printed = client.get(reverse("badges:desk_badge_pdf", kwargs={"pk": point.pk, "badge_pk": new.badge.pk}))
    assert printed.content.startswith(b"%PDF")

    kw = {"pk": point.pk, "badge_pk": badge.pk}
    old = badge_tokens.token_for(badge)
    client.post(reverse("badges:desk_reprint", kwargs=kw))
    badge.refresh_from_db()
    assert badge_tokens.token_for(badge) != old
    no_reason = client.post(reverse("badges:desk_revoke", kwargs=kw), {"reason": ""})
    assert no_reason.status_code == 422 and no_reason.context["revoke_form"].errors["reason"]
    client.post(reverse("badges:desk_revoke", kwargs=kw), {"reason": "Lost"})
    badge.refresh_from_db()
    assert badge.is_revoked and badge.revoked_reason == "Lost"
    client.force_login(badge.registration.user)
    assert client.get(reverse("badges:badge_pdf", args=[badge.pk])).status_code == 404


def test_the_desk_list_shows_only_my_points(client, point):
    ServicePointFactory(name="Not mine")
    client.force_login(point.staff.get())
    page = client.get(reverse("badges:desk_list")).content.decode()
    assert point.name in page and "Not mine" not in page


def _past_session():
    today = timezone.localdate()
    return FairSessionFactory(starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=50))


def test_registration_for_a_past_session_says_it_is_closed_and_no_button_shows(client):
    past = _past_session()
    buyer = buyer_member()
    client.force_login(buyer)
    for method in (client.get, client.post):
        response = method(reverse("badges:register", args=[past.slug]), {"full_name": "Anna"})
        assert response.status_code == 410
        assert "registration is closed" in response.content.decode()
    assert not Registration.objects.filter(session=past).exists()
    detail = client.get(past.get_absolute_url()).content.decode()
    assert "registration is closed" in detail
    assert reverse("badges:register", args=[past.slug]) not in detail
    upcoming = FairSessionFactory()
    assert (
        reverse("badges:register", args=[upcoming.slug])
        in client.get(upcoming.get_absolute_url()).content.decode()
    )


def test_staff_badges_and_scanning_show_only_to_an_exhibitor_of_the_session(client):
    owner = supplier_member()
    session = FairSessionFactory()
    client.force_login(owner)
    staff_url = reverse("badges:register_staff", args=[session.slug])
    assert staff_url not in client.get(session.get_absolute_url()).content.decode()
    approved_exhibitor(session=session, company=owner.membership.company)
    page = client.get(session.get_absolute_url()).content.decode()
    assert staff_url in page and reverse("leads:capture", kwargs={"slug": session.slug}) in page
    past = _past_session()
    approved_exhibitor(session=past, company=owner.membership.company)
    response = client.get(reverse("badges:register_staff", args=[past.slug]))
    assert response.status_code == 410 and "registration is closed" in response.content.decode()


def test_an_already_registered_buyer_is_told_so(client):
    session = FairSessionFactory()
    buyer = buyer_member()
    client.force_login(buyer)
    client.post(reverse("badges:register", args=[session.slug]), {"full_name": "Anna"})
    response = client.get(reverse("badges:register", args=[session.slug]), follow=True)
    assert "already registered" in response.content.decode()

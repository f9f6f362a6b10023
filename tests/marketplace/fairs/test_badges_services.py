"""Registration, reprint, revoke and check-in: one registration per person per session, a badge on
registration, the desk's powers only for its staff, one check-in per badge per day, and the credit fact of
a buyer's attendance recorded once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit.models import Fact
from marketplace.companies.models import CompanyKind, MemberRole
from marketplace.core.models import AuditEvent
from marketplace.fairs import badge_tokens, badges_selectors, badges_services
from marketplace.fairs.badge_tokens import BadgeRefused
from marketplace.fairs.models import CheckIn, Registration
from tests.marketplace.companies.factories import (
    CompanyFactory,
    IndustryFactory,
    MembershipFactory,
    UserFactory,
    buyer_member,
    supplier_member,
)
from tests.marketplace.fairs.factories import (
    BadgeFactory,
    FairPhaseFactory,
    FairSessionFactory,
    ServicePointFactory,
)
from tests.marketplace.fairs.factories_exhibitors import ExhibitorApplicationFactory, approved_exhibitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    """A desk of a session under way (started three days ago), so that check-in times are in the past."""
    point = ServicePointFactory(
        session=FairSessionFactory(starts_on=timezone.localdate() - dt.timedelta(days=3))
    )
    point.staff.add(UserFactory())
    return point


def desk_user(point):
    return point.staff.get()


def test_a_buyer_registers_once_and_gets_a_badge(django_capture_on_commit_callbacks):
    buyer = buyer_member(name="Weber Handel GmbH")
    session = FairSessionFactory()
    industry = IndustryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        badge = badges_services.register_buyer(
            session=session, user=buyer, full_name=" Anna Weber ", interests=[industry]
        )
    registration = badge.registration
    assert (registration.full_name, registration.company_name, registration.role) == (
        "Anna Weber",
        "Weber Handel GmbH",
        "buyer",
    )
    assert list(registration.interests.all()) == [industry]
    assert badge_tokens.read(badge_tokens.token_for(badge), session=session) == badge
    assert AuditEvent.objects.filter(
        action="fairs.registration.create", object_id=str(registration.pk)
    ).exists()
    with pytest.raises(ValidationError, match="already registered"):
        badges_services.register_buyer(session=session, user=buyer, full_name="Anna Weber")
    assert Registration.objects.filter(session=session, user=buyer).count() == 1


def test_only_a_buyer_company_member_pre_registers_as_a_buyer():
    session = FairSessionFactory()
    with pytest.raises(PermissionDenied):
        badges_services.register_buyer(session=session, user=supplier_member(), full_name="X")
    with pytest.raises(PermissionDenied):
        badges_services.register_buyer(session=session, user=UserFactory(), full_name="X")


def test_a_past_session_takes_no_registration():
    past = FairSessionFactory(
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() - dt.timedelta(days=20),
    )
    with pytest.raises(ValidationError, match="over"):
        badges_services.register_buyer(session=past, user=buyer_member(), full_name="X")


def test_a_supplier_owner_registers_its_own_staff_only():
    owner = supplier_member()
    company = owner.membership.company
    staff = MembershipFactory(company=company, role=MemberRole.STAFF).user
    session = FairSessionFactory()
    approved_exhibitor(session=session, company=company)
    badge = badges_services.register_staff(session=session, by_user=owner, member=staff, full_name="李娜")
    assert badge.registration.role == "exhibitor_staff"
    assert badge.registration.company == company
    stranger = MembershipFactory(company=CompanyFactory(kind=CompanyKind.SUPPLIER)).user
    with pytest.raises(ValidationError, match="not a member"):
        badges_services.register_staff(session=session, by_user=owner, member=stranger, full_name="X")
    with pytest.raises(PermissionDenied):  # staff are not owners
        badges_services.register_staff(session=session, by_user=staff, member=owner, full_name="X")
    with pytest.raises(PermissionDenied):  # a buyer's owner
        badges_services.register_staff(session=session, by_user=buyer_member(), member=staff, full_name="X")


def test_walk_in_is_for_desk_staff_and_records_the_company_by_name(point):
    with pytest.raises(PermissionDenied):
        badges_services.register_walk_in(
            service_point=point, by_user=UserFactory(), full_name="A", company_name="B", country="FR"
        )
    badge = badges_services.register_walk_in(
        service_point=point,
        by_user=desk_user(point),
        full_name="Jean Dupont",
        company_name="Dupont SARL",
        country="FR",
        email="jean@dupont.test",
    )
    registration = badge.registration
    assert registration.walk_in and registration.user is None and registration.company is None
    assert registration.company_name == "Dupont SARL"
    with pytest.raises(ValidationError) as error:
        badges_services.register_walk_in(
            service_point=point,
            by_user=desk_user(point),
            full_name="Jean D.",
            company_name="Dupont",
            country="FR",
            email="JEAN@dupont.test",
        )
    assert "email" in error.value.error_dict


def test_check_in_once_a_day_and_a_second_scan_returns_the_first(point, django_capture_on_commit_callbacks):
    badge = BadgeFactory(registration__session=point.session)
    code = badge_tokens.token_for(badge)
    morning = timezone.make_aware(dt.datetime.combine(point.session.starts_on, dt.time(9, 12)))
    with django_capture_on_commit_callbacks(execute=True):
        first = badges_services.check_in(
            code=code, service_point=point, by_user=desk_user(point), now=morning
        )
    again = badges_services.check_in(
        code=code, service_point=point, by_user=desk_user(point), now=morning + dt.timedelta(hours=3)
    )
    assert first.created and not again.created
    assert again.check_in == first.check_in
    assert timezone.localtime(again.check_in.at).strftime("%H:%M") == "09:12"
    assert CheckIn.objects.filter(badge=badge).count() == 1
    next_day = badges_services.check_in(
        code=code, service_point=point, by_user=desk_user(point), now=morning + dt.timedelta(days=1)
    )
    assert next_day.created
    assert CheckIn.objects.filter(badge=badge).count() == 2
    assert badges_selectors.checked_in(badge.registration.user, point.session.starts_on)
    assert badges_selectors.checked_in(badge.registration.company, point.session.starts_on)
    assert not badges_selectors.checked_in(UserFactory(), point.session.starts_on)
    assert not badges_selectors.checked_in(
        badge.registration.user, point.session.starts_on - dt.timedelta(days=1)
    )


def test_a_buyers_first_check_in_records_fair_attended_once(point, django_capture_on_commit_callbacks):
    badge = BadgeFactory(registration__session=point.session)
    code = badge_tokens.token_for(badge)
    start = timezone.make_aware(dt.datetime.combine(point.session.starts_on, dt.time(10)))
    for days in (0, 1):
        with django_capture_on_commit_callbacks(execute=True):
            badges_services.check_in(
                code=code, service_point=point, by_user=desk_user(point), now=start + dt.timedelta(days=days)
            )
    facts = Fact.objects.filter(kind="fair_attended", subject_id=badge.registration.company_id)
    assert facts.count() == 1
    assert facts.get().payload == {"session": point.session.slug}


def test_exhibitor_staff_check_in_records_no_buyer_attendance(point, django_capture_on_commit_callbacks):
    badge = BadgeFactory(registration__session=point.session, registration__role="exhibitor_staff")
    with django_capture_on_commit_callbacks(execute=True):
        badges_services.check_in(
            code=badge_tokens.token_for(badge), service_point=point, by_user=desk_user(point)
        )
    assert not Fact.objects.filter(kind="fair_attended").exists()


@pytest.mark.parametrize(
    "make_code, message",
    [
        (lambda b: badge_tokens.token_for(b)[:-2] + "xx", "not a TrustFair badge code"),
        (lambda b: badge_tokens.token_for(BadgeFactory()), "another fair session"),
    ],
)
def test_refused_codes_check_nobody_in(point, make_code, message):
    badge = BadgeFactory(registration__session=point.session)
    with pytest.raises(BadgeRefused, match=message):
        badges_services.check_in(code=make_code(badge), service_point=point, by_user=desk_user(point))
    assert not CheckIn.objects.exists()


def test_no_check_in_outside_the_sessions_days(django_capture_on_commit_callbacks):
    point = ServicePointFactory()  # a session that starts in a month
    point.staff.add(UserFactory())
    badge = BadgeFactory(registration__session=point.session)
    with pytest.raises(BadgeRefused, match="not open today"):
        badges_services.check_in(
            code=badge_tokens.token_for(badge), service_point=point, by_user=desk_user(point)
        )
    assert not CheckIn.objects.exists()


def test_reprint_and_revoke_at_the_desk(point):
    badge = BadgeFactory(registration__session=point.session)
    old = badge_tokens.token_for(badge)
    with pytest.raises(PermissionDenied):
        badges_services.reprint(badge=badge, by_user=UserFactory(), service_point=point)
    other_point = ServicePointFactory()
    other_point.staff.add(desk_user(point))
    with pytest.raises(PermissionDenied):  # a desk of another session
        badges_services.reprint(badge=badge, by_user=desk_user(point), service_point=other_point)
    badge = badges_services.reprint(badge=badge, by_user=desk_user(point), service_point=point)
    with pytest.raises(BadgeRefused, match="reprinted"):
        badges_services.check_in(code=old, service_point=point, by_user=desk_user(point))
    with pytest.raises(ValidationError) as error:
        badges_services.revoke(badge=badge, by_user=desk_user(point), reason=" ", service_point=point)
    assert "reason" in error.value.error_dict
    badges_services.revoke(badge=badge, by_user=desk_user(point), reason="Lost badge", service_point=point)
    badge.refresh_from_db()
    assert badge.revoked_reason == "Lost badge"
    with pytest.raises(BadgeRefused, match="revoked"):
        badges_services.check_in(
            code=badge_tokens.token_for(badge), service_point=point, by_user=desk_user(point)
        )
    assert AuditEvent.objects.filter(action="fairs.badge.revoke", object_id=str(badge.pk)).exists()


def test_only_an_operator_revokes_outside_a_desk(operator):
    badge = BadgeFactory()
    with pytest.raises(PermissionDenied):
        badges_services.revoke(badge=badge, by_user=UserFactory(), reason="x")
    badges_services.revoke(badge=badge, by_user=operator, reason="Fraud")
    badge.refresh_from_db()
    assert badge.is_revoked


def test_desk_search_by_name_company_email_and_code(point):
    badge = BadgeFactory(registration__session=point.session, registration__full_name="Zhang Wei")
    BadgeFactory(registration__full_name="Zhang Wei")  # another session
    session = point.session
    assert [r.badge for r in badges_selectors.search(session, "zhang")] == [badge]
    assert [r.badge for r in badges_selectors.search(session, badge.registration.company_name)] == [badge]
    assert [r.badge for r in badges_selectors.search(session, badge.registration.email)] == [badge]
    assert [r.badge for r in badges_selectors.search(session, badge_tokens.token_for(badge))] == [badge]
    assert list(badges_selectors.search(session, "")) == []


def test_each_day_checked_in_is_one_fact_per_company_whoever_of_its_buyers_came(
    point, django_capture_on_commit_callbacks
):
    badge = BadgeFactory(registration__session=point.session)
    company = badge.registration.company
    colleague = BadgeFactory(registration__session=point.session, registration__company=company)
    start = timezone.make_aware(dt.datetime.combine(point.session.starts_on, dt.time(10)))
    scans = [(badge, 0), (badge, 0), (colleague, 0), (badge, 1), (colleague, 2)]  # days 0, 1 and 2
    for holder, days in scans:
        with django_capture_on_commit_callbacks(execute=True):
            badges_services.check_in(
                code=badge_tokens.token_for(holder),
                service_point=point,
                by_user=desk_user(point),
                now=start + dt.timedelta(days=days, minutes=len(holder.registration.full_name)),
            )
    facts = Fact.objects.filter(kind="fair_checked_in").order_by("occurred_at")
    assert {f.subject_id for f in facts} == {company.pk}
    assert [f.payload["day"] for f in facts] == [
        (point.session.starts_on + dt.timedelta(days=n)).isoformat() for n in range(3)
    ]
    assert all(f.payload["session"] == point.session.slug for f in facts)
    assert Fact.objects.filter(kind="fair_attended", subject_id=company.pk).count() == 1

    from credit.features import build_feature_matrix

    row = build_feature_matrix(as_of=timezone.now(), subject_ids=[company.pk]).row(company.pk)
    assert (row["fairs_attended_3y"], row["fair_days_checked_in_3y"]) == (1.0, 3.0)


def test_exhibitor_staff_and_walk_ins_record_no_check_in_fact(point, django_capture_on_commit_callbacks):
    staff = BadgeFactory(registration__session=point.session, registration__role="exhibitor_staff")
    walk_in = BadgeFactory(
        registration__session=point.session,
        registration__company=None,
        registration__company_name="Walk-in Handel GmbH",
        registration__country="DE",
    )
    for holder in (staff, walk_in):
        with django_capture_on_commit_callbacks(execute=True):
            badges_services.check_in(
                code=badge_tokens.token_for(holder), service_point=point, by_user=desk_user(point)
            )
    assert not Fact.objects.filter(kind__in=["fair_checked_in", "fair_attended"]).exists()


@pytest.mark.parametrize("status", ["pending", "rejected", "withdrawn", None])
def test_only_an_approved_exhibitor_of_the_session_registers_staff(status):
    owner = supplier_member()
    company = owner.membership.company
    staff = MembershipFactory(company=company, role=MemberRole.STAFF).user
    session = FairSessionFactory()
    if status:
        ExhibitorApplicationFactory(phase=FairPhaseFactory(session=session), company=company, status=status)
    # Approved in another session does not count here.
    approved_exhibitor(session=FairSessionFactory(), company=company)
    with pytest.raises(PermissionDenied, match="approved exhibitors"):
        badges_services.register_staff(session=session, by_user=owner, member=staff, full_name="X")
    assert not Registration.objects.filter(session=session).exists()

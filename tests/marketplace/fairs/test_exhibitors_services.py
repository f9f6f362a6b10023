"""Booth grids, applications and booth assignment: the rules, through the services and the database."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit.models import Fact
from marketplace.core.models import AuditEvent
from marketplace.fairs import exhibitors_services as services
from marketplace.fairs.models import ApplicationStatus, Booth, ExhibitorApplication
from marketplace.matchmaking.models import FairPresence, MeetingTable
from marketplace.notifications.models import Notification
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, MembershipFactory
from tests.marketplace.fairs.factories import FairPhaseFactory, HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(operator):
    """A phase showing machinery, a hall with a 2 × 3 grid, a verified supplier with a published product."""
    machinery = IndustryFactory(slug="machinery", name="Machinery")
    phase = FairPhaseFactory()
    phase.industries.set([machinery])
    hall = HallFactory(session=phase.session, code="11.2")
    booths = services.generate_grid(hall=hall, phase=phase, rows=2, columns=3, size_sqm=9, by_user=operator)
    supplier = CompanyFactory(kind="supplier", verified_at=timezone.now(), industry=machinery)
    user = MembershipFactory(company=supplier).user
    product = ProductFactory(supplier=supplier)
    return {
        "phase": phase,
        "hall": hall,
        "booths": booths,
        "machinery": machinery,
        "supplier": supplier,
        "user": user,
        "product": product,
    }


def _apply(floor, **kwargs):
    return services.apply(
        company=kwargs.get("company", floor["supplier"]),
        phase=floor["phase"],
        by_user=kwargs.get("user", floor["user"]),
        industries=kwargs.get("industries", [floor["machinery"]]),
        booth_size_sqm=9,
        products=kwargs.get("products", [floor["product"]]),
    )


def test_generate_grid_numbers_booths_and_keeps_existing_ones(floor, operator):
    numbers = [b.number for b in Booth.objects.filter(hall=floor["hall"]).select_related("hall")]
    assert numbers == ["11.2 A-01", "11.2 A-02", "11.2 A-03", "11.2 B-01", "11.2 B-02", "11.2 B-03"]
    again = services.generate_grid(
        hall=floor["hall"], phase=floor["phase"], rows=3, columns=3, by_user=operator
    )
    assert [b.code for b in again] == ["C-01", "C-02", "C-03"]
    assert AuditEvent.objects.filter(action="fairs.booth.generate_grid").count() == 2


def test_only_operators_generate_grids(floor):
    with pytest.raises(PermissionDenied):
        services.generate_grid(
            hall=floor["hall"], phase=floor["phase"], rows=1, columns=1, by_user=floor["user"]
        )


def test_approve_assigns_the_booth_opens_a_table_and_records_presence_and_fact(
    floor, operator, django_capture_on_commit_callbacks
):
    application = _apply(floor)
    booth = floor["booths"][4]
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(application=application, booth=booth, by_user=operator)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.booth == booth
    table = MeetingTable.objects.get(pk=application.table_id)
    assert table.company == floor["supplier"] and table.kind == "booth"
    assert table.time_zone == "Asia/Shanghai"
    local_start = timezone.localtime(
        table.available_from, timezone=__import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    )
    assert (local_start.date(), local_start.hour, local_start.minute) == (floor["phase"].starts_on, 9, 30)
    # Open each fair day 09:30–18:00 only, and named so that booths of two sessions never read the same.
    assert (table.opens_daily.isoformat(), table.closes_daily.isoformat()) == ("09:30:00", "18:00:00")
    phase = floor["phase"]
    booth = application.booth
    assert table.label == f"{phase.session.name} · Phase {phase.number} · {booth.number}"
    presence = FairPresence.objects.get(company=floor["supplier"], session_key=floor["phase"].session.slug)
    assert presence.booth == "11.2 B-02"
    fact = Fact.objects.get(kind="fair_exhibited", subject_id=floor["supplier"].pk)
    assert fact.payload["session"] == f"{floor['phase'].session.slug}/phase-{floor['phase'].number}"
    assert Notification.objects.filter(recipient=floor["user"], title__icontains="approved").exists()
    assert AuditEvent.objects.filter(action="fairs.exhibitor_application.approve").exists()


def test_a_booth_is_never_assigned_twice_by_the_service(floor, operator):
    booth = floor["booths"][0]
    services.approve(application=_apply(floor), booth=booth, by_user=operator)
    other = CompanyFactory(kind="supplier", verified_at=timezone.now())
    second = _apply(
        floor,
        company=other,
        user=MembershipFactory(company=other).user,
        products=[ProductFactory(supplier=other)],
    )
    with pytest.raises(ValidationError, match="already assigned"):
        services.approve(application=second, booth=booth, by_user=operator)
    second.refresh_from_db()
    assert second.status == ApplicationStatus.PENDING and second.booth is None


def test_a_booth_is_never_assigned_twice_by_the_database(floor, operator):
    booth = floor["booths"][0]
    services.approve(application=_apply(floor), booth=booth, by_user=operator)
    other = ExhibitorApplication.objects.create(
        phase=floor["phase"], company=CompanyFactory(kind="supplier"), status=ApplicationStatus.APPROVED
    )
    other.booth = booth
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_one_live_application_per_company_and_phase(floor):
    _apply(floor)
    with pytest.raises(ValidationError, match="already applied"):
        _apply(floor)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExhibitorApplication.objects.create(phase=floor["phase"], company=floor["supplier"])


def test_a_rejected_company_may_apply_again(floor, operator):
    services.reject(application=_apply(floor), reason="Booth size not available", by_user=operator)
    assert _apply(floor).status == ApplicationStatus.PENDING


def test_wrong_category_for_the_phase_is_refused(floor):
    textiles = IndustryFactory(slug="textiles")
    with pytest.raises(ValidationError, match="does not show"):
        _apply(floor, industries=[textiles])


def test_booth_of_another_phase_is_refused(floor, operator):
    application = _apply(floor)
    other_phase = FairPhaseFactory(session=floor["phase"].session)
    foreign = services.generate_grid(
        hall=floor["hall"], phase=other_phase, rows=1, columns=1, by_user=operator
    )[0]
    with pytest.raises(ValidationError, match="another phase"):
        services.approve(application=application, booth=foreign, by_user=operator)


def test_booth_in_another_category_zone_is_refused(floor, operator):
    application = _apply(floor)
    booth = floor["booths"][0]
    booth.zone_industry = IndustryFactory(slug="furniture", name="Furniture")
    booth.save()
    with pytest.raises(ValidationError, match="zone"):
        services.approve(application=application, booth=booth, by_user=operator)


def test_unverified_supplier_cannot_apply(floor):
    unverified = CompanyFactory(kind="supplier", verified_at=None)
    with pytest.raises(ValidationError, match="verified"):
        _apply(floor, company=unverified, user=MembershipFactory(company=unverified).user, products=[])


def test_products_of_another_catalog_are_refused(floor):
    with pytest.raises(ValidationError, match="own catalog"):
        _apply(floor, products=[ProductFactory()])


def test_only_members_apply_and_only_operators_decide(floor, operator):
    stranger = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        _apply(floor, user=stranger)
    application = _apply(floor)
    with pytest.raises(PermissionDenied):
        services.approve(application=application, booth=floor["booths"][0], by_user=floor["user"])
    with pytest.raises(PermissionDenied):
        services.reject(application=application, reason="no", by_user=floor["user"])


def test_reject_needs_a_reason(floor, operator):
    with pytest.raises(ValidationError, match="why"):
        services.reject(application=_apply(floor), reason="  ", by_user=operator)


def test_withdraw_frees_the_booth_closes_the_table_and_ends_presence(floor, operator):
    application = _apply(floor)
    booth = floor["booths"][0]
    services.approve(application=application, booth=booth, by_user=operator)
    services.withdraw(application=application, by_user=floor["user"])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN and application.booth is None
    assert not MeetingTable.objects.get(pk=application.table_id).is_active
    assert not FairPresence.objects.filter(company=floor["supplier"]).exists()
    # The booth is free for the next exhibitor.
    other = CompanyFactory(kind="supplier", verified_at=timezone.now())
    second = _apply(floor, company=other, user=MembershipFactory(company=other).user, products=[])
    services.approve(application=second, booth=booth, by_user=operator)


def test_another_supplier_cannot_withdraw(floor):
    with pytest.raises(PermissionDenied):
        services.withdraw(application=_apply(floor), by_user=MembershipFactory().user)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_one_booth_leave_one_exhibitor(operator):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("select_for_update is a no-op on SQLite")
    import threading

    machinery = IndustryFactory(slug="machinery-c")
    phase = FairPhaseFactory()
    phase.industries.set([machinery])
    hall = HallFactory(session=phase.session)
    booth = services.generate_grid(hall=hall, phase=phase, rows=1, columns=1, by_user=operator)[0]
    applications = []
    for _n in range(2):
        company = CompanyFactory(kind="supplier", verified_at=timezone.now())
        applications.append(
            services.apply(
                company=company,
                phase=phase,
                by_user=MembershipFactory(company=company).user,
                industries=[machinery],
                booth_size_sqm=9,
            )
        )
    outcomes = []

    def run(application):
        try:
            services.approve(application=application, booth=booth, by_user=operator)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in applications]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert ExhibitorApplication.objects.filter(booth=booth).count() == 1


def test_past_phase_only_operators_enter_exhibitors(floor, operator):
    import datetime as dt

    phase = floor["phase"]
    phase.starts_on = timezone.localdate() - dt.timedelta(days=30)
    phase.ends_on = phase.starts_on + dt.timedelta(days=4)
    phase.save()
    with pytest.raises(ValidationError, match="over"):
        _apply(floor)
    application = _apply(floor, user=operator)
    services.approve(application=application, booth=floor["booths"][0], by_user=operator)
    fact = Fact.objects.get(kind="fair_exhibited", subject_id=floor["supplier"].pk)
    assert timezone.localdate(fact.occurred_at) <= phase.starts_on


def _exhibited_3y(company):
    from credit.features import build_feature_matrix

    return build_feature_matrix(as_of=timezone.now(), subject_ids=[company.pk]).row(company.pk)


def test_the_exhibit_fact_carries_phase_and_booth_size_once_per_exhibitor_and_phase(floor, operator):
    booth = floor["booths"][1]
    booth.size_sqm = 18
    booth.save(update_fields=["size_sqm"])
    application = _apply(floor)
    services.approve(application=application, booth=booth, by_user=operator)
    fact = Fact.objects.get(kind="fair_exhibited")
    assert fact.subject_id == floor["supplier"].pk
    assert (fact.payload["phase"], fact.payload["booth_sqm"], fact.metric) == (
        floor["phase"].number,
        18,
        18.0,
    )
    # Approving again is refused by the application's state and adds nothing.
    with pytest.raises(ValidationError):
        services.approve(application=application, booth=floor["booths"][2], by_user=operator)
    assert Fact.objects.filter(kind="fair_exhibited").count() == 1
    row = _exhibited_3y(floor["supplier"])
    assert (row["fairs_exhibited_3y"], row["largest_booth_sqm_3y"]) == (1.0, 18.0)


def test_a_rejected_application_leaves_no_fact_and_a_withdrawn_exhibit_is_retracted(floor, operator):
    rejected = _apply(floor)
    services.reject(application=rejected, reason="No products in the zone", by_user=operator)
    assert not Fact.objects.filter(kind="fair_exhibited").exists()

    application = _apply(floor)
    services.approve(application=application, booth=floor["booths"][0], by_user=operator)
    services.withdraw(application=application, by_user=floor["user"])
    with pytest.raises(ValidationError):
        services.withdraw(application=application, by_user=floor["user"])
    retraction = Fact.objects.get(kind="fact_retracted")
    assert retraction.supersedes == Fact.objects.get(kind="fair_exhibited")
    assert retraction.subject_id == floor["supplier"].pk
    assert retraction.payload["retracted_kind"] == "fair_exhibited"
    row = _exhibited_3y(floor["supplier"])
    assert (row["fairs_exhibited_3y"], row["largest_booth_sqm_3y"]) == (0.0, 0.0)

    # Applying again and being approved in the same phase counts one exhibit, not two.
    again = _apply(floor)
    services.approve(application=again, booth=floor["booths"][3], by_user=operator)
    assert _exhibited_3y(floor["supplier"])["fairs_exhibited_3y"] == 1.0


def test_withdrawing_once_the_phase_has_opened_keeps_the_exhibit(floor, operator):
    import datetime as dt

    application = _apply(floor)
    services.approve(application=application, booth=floor["booths"][0], by_user=operator)
    phase = floor["phase"]
    phase.starts_on = timezone.localdate() - dt.timedelta(days=1)
    phase.save(update_fields=["starts_on"])
    services.withdraw(application=application, by_user=floor["user"])
    assert not Fact.objects.filter(kind="fact_retracted").exists()
    assert _exhibited_3y(floor["supplier"])["fairs_exhibited_3y"] == 1.0

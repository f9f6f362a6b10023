"""`seed_demo` builds the demo world once, deterministically, and its demo users can sign in."""

import ast
import importlib
import io
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, NewsPage, StandardPage
from credit.models import Assessment, Fact
from marketplace.catalog.models import PriceTier, Product
from marketplace.companies import selectors, services
from marketplace.companies.demo import DEMO_SUPPLIER, WorldBuilder
from marketplace.companies.demo_data import DEMO_PASSWORD
from marketplace.companies.models import (
    Company,
    CompanyKind,
    Industry,
    Invitation,
    Membership,
    User,
    VerificationDocument,
)
from marketplace.fairs.models import FairPhase, FairSession, Hall
from marketplace.showcases.models import Interest, Showcase, ShowcaseAccess, ShowcaseItem

pytestmark = pytest.mark.django_db

# The seed dates its world from today (its FX rates, for one, are a daily series ending today). The module
# seeds at noon of the day it was imported, so a run that crosses midnight still seeds both times on one
# day; a second seed on the next day rightly adds that day's rates (CI once crossed midnight here).
NOON = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **{"verbosity": 0, **options})
    return out.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The full demo world, built once for the module and rolled back after it; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        with freeze_time(NOON, tick=True):
            seed()
        yield
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Industry,
            Company,
            User,
            Membership,
            Invitation,
            VerificationDocument,
            FairSession,
            FairPhase,
            Hall,
            Page,
            Group,
            Locale,
            Site,
            Product,
            PriceTier,
            Showcase,
            ShowcaseItem,
            ShowcaseAccess,
            Interest,
            Fact,
            Assessment,
        )
    }


def test_seed_twice_leaves_the_same_counts(world):
    first = counts()
    with freeze_time(NOON, tick=True):
        output = seed(verbosity=1)
    assert counts() == first
    assert "0 rows added this run" in output
    # 300 suppliers, 600 buyers, the two demo companies, and the demo insurer, bank and chamber
    assert first["Company"] == 905
    assert first["Industry"] >= 40 and first["FairSession"] == 2
    assert first["Product"] > 3000 and first["Showcase"] == 3 and first["Interest"] == 1
    # Partners are not scored: they do not trade.
    assert first["Assessment"] == Company.objects.trading().count() == 902 and first["Fact"] > 30_000


def test_partners_have_risk_officers_of_their_own(world):
    from marketplace.companies.models import CompanyKind, User

    for email, kind in (("insurer", CompanyKind.INSURER), ("bank", CompanyKind.BANK)):
        user = User.objects.get(email=f"{email}@demo.trustfair.test")
        assert user.is_risk_officer and user.company.kind == kind and user.company.is_verified
    assert User.objects.get(email="chamber@demo.trustfair.test").company.kind == CompanyKind.CHAMBER


def test_world_is_believable(world):
    companies = Company.objects.all()
    chinese = companies.filter(country="CN")
    assert chinese.count() > 150 and all(c.name_zh and c.description_zh for c in chinese)
    assert (
        companies.filter(country="VN").exists()
        and companies.filter(country="US", kind=CompanyKind.BUYER).exists()
    )
    assert 0.5 < companies.filter(verified_at__isnull=False).count() / companies.count() < 0.7
    assert 20 < companies.filter(kind=CompanyKind.BOTH).count() < 80
    assert all(c.website.endswith(".example") for c in companies)
    registrations = list(companies.values_list("country", "registration_number"))
    assert len(set(registrations)) == len(registrations) and all(r for _, r in registrations)
    assert len(chinese.first().registration_number) == 18
    oldest = companies.order_by("created_at").first().created_at
    assert timezone.now() - timedelta(days=5 * 366) < oldest < timezone.now() - timedelta(days=3 * 365)


def test_the_demo_world_does_not_contradict_itself(world):
    """A company's profile and its registry facts come from one draw; a factory takes its own MOQ."""
    founded = {
        f.subject_id: f.payload
        for f in Fact.objects.filter(kind="company_registered").only("subject_id", "payload")
    }
    abnormal = set(
        Fact.objects.filter(kind="registry_status", payload__status="abnormal").values_list(
            "subject_id", flat=True
        )
    )
    checked = 0
    for company in Company.objects.exclude(founded_year=None):
        registered = founded.get(company.pk)
        if registered is None:
            continue
        assert str(registered["founded_on"]).startswith(str(company.founded_year)), company.name
        checked += 1
    assert checked > 100
    verified = set(Company.objects.exclude(verified_at=None).values_list("pk", flat=True))
    assert not verified & abnormal, "a verified company with an abnormal registry status"
    supplier = Company.objects.get(slug=DEMO_SUPPLIER["slug"])  # founded 2004, 860 staff, verified, featured
    registered = founded[supplier.pk]
    assert str(registered["founded_on"]).startswith("2004")
    assert float(registered["registered_capital"]) > 1000 * supplier.employees  # not CNY 65k for 860 staff
    assert supplier.pk not in abnormal
    assert not Product.objects.filter(monthly_capacity__lt=F("moq")).exists()


def test_fair_sessions_are_one_past_one_upcoming(world):
    today = timezone.localdate()
    past, upcoming = FairSession.objects.order_by("starts_on")
    assert past.ends_on < today < upcoming.starts_on
    for session in (past, upcoming):
        phases = list(session.phases.all())
        assert [p.number for p in phases] == [1, 2, 3]
        assert all((p.ends_on - p.starts_on).days == 4 and p.industries.exists() for p in phases)
        assert session.halls.count() == 12 and session.city == "Guangzhou"


def test_pages_replace_the_wagtail_welcome_page_in_both_languages(world):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage) and home.locale.language_code == "en" and home.live
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert home.featured_suppliers.count() >= 6
    assert all(f.company.is_verified and f.company.is_supplier for f in home.featured_suppliers.all())
    zh = Locale.objects.get(language_code="zh-hans")
    home_zh = home.get_translation(zh).specific
    assert home_zh.live and home_zh.hero_title != home.hero_title
    english = sorted(p.slug for p in home.get_descendants())
    chinese = sorted(p.slug for p in home_zh.get_descendants())
    assert english == chinese and "help" in english and "news" in english
    assert NewsPage.objects.live().filter(locale=zh).count() == 5
    help_zh = StandardPage.objects.get(locale=zh, slug="help")
    assert help_zh.live and help_zh.title == "帮助"


def test_verification_queue_has_real_pdfs_waiting(world):
    queue = selectors.verification_queue()
    assert queue.count() >= 5
    document = queue.first()
    with document.file.open("rb") as handle:
        upload = SimpleUploadedFile("check.pdf", handle.read())
    # The same content check a company's upload goes through.
    assert services.detect_document_type(upload) == "application/pdf"
    invitation = Invitation.objects.get(email="wang.fang@demo.trustfair.test")
    assert invitation.state == Invitation.State.PENDING


def test_same_seed_draws_the_same_companies():
    anchor = timezone.now()
    first = [WorldBuilder(random.Random("2026:companies"), anchor).supplier() for _ in range(20)]
    second = [WorldBuilder(random.Random("2026:companies"), anchor).supplier() for _ in range(20)]
    assert first == second


def test_scale_adds_only_the_missing_companies(world):
    assert "50 companies added" in seed(scale=50, verbosity=1)
    assert Company.objects.filter(slug__startswith="scale-").count() == 50
    assert "0 companies added" in seed(scale=50, verbosity=1)
    before = {c.slug: c.name for c in Company.objects.filter(slug__startswith="scale-")}
    assert "10 companies added" in seed(scale=60, verbosity=1)
    after = {c.slug: c.name for c in Company.objects.filter(slug__startswith="scale-")}
    assert len(after) == 60 and all(after[slug] == name for slug, name in before.items())


@pytest.mark.parametrize(
    ("email", "lands_on"),
    [
        ("supplier@demo.trustfair.test", "companies:supplier_home"),
        ("buyer@demo.trustfair.test", "companies:buyer_home"),
        ("supplier2@demo.trustfair.test", "companies:supplier_home"),
        ("buyer2@demo.trustfair.test", "companies:buyer_home"),
        ("editor@demo.trustfair.test", "wagtailadmin_home"),
    ],
)
def test_demo_users_sign_in_and_land_on_their_home(world, client, email, lands_on):
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("companies:role_home"))
    assert response.status_code == 302 and response.url == reverse(lands_on)
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    ("email", "home"),
    [
        ("risk@demo.trustfair.test", "companies:risk_home"),
        ("operator@demo.trustfair.test", "companies:operator_queue"),
        ("insurer@demo.trustfair.test", "insurance:queue"),
        ("bank@demo.trustfair.test", "financing:bank_queue"),
    ],
)
def test_demo_staff_sign_in_with_the_demo_totp_code(world, client, settings, email, home):
    settings.STAFF_REQUIRE_MFA = True
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse(home)).status_code == 302
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_totp", email, stdout=out, verbosity=0)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get(reverse(home)).status_code == 200


def test_demo_totp_refuses_other_users_and_production(world, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="not a demo staff user"):
        call_command("demo_totp", "supplier@demo.trustfair.test", stdout=io.StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp", "risk@demo.trustfair.test", stdout=io.StringIO())


def test_staff_roles_get_only_their_permissions(world):
    operator = User.objects.get(email="operator@demo.trustfair.test")
    assert operator.is_staff and operator.has_perm("companies.change_company")
    assert operator.has_perm("fairs.add_fairsession")
    # No escalation through the user admin, no rewriting of the verification audit trail.
    assert operator.has_perm("companies.view_user") and not operator.has_perm("companies.change_user")
    assert not operator.has_perm("companies.change_verificationdecision")
    editor = User.objects.get(email="editor@demo.trustfair.test")
    assert editor.has_perm("wagtailadmin.access_admin") and not editor.is_staff
    home = Site.objects.get(is_default_site=True).root_page
    assert home.permissions_for_user(editor).can_publish()
    risk = User.objects.get(email="risk@demo.trustfair.test")
    assert not risk.is_staff and not risk.has_perm("companies.change_company")


# Each app seeds its own part; a seeder imports only its own layer and those below it.
SEEDER_MAY_NOT_IMPORT = {
    "marketplace.companies.demo": (
        "marketplace.catalog",
        "marketplace.showcases",
        "marketplace.fairs",
        "cms",
    ),
    "marketplace.catalog.demo": ("marketplace.showcases", "marketplace.fairs", "cms"),
    "marketplace.showcases.demo": ("marketplace.fairs", "cms"),
    "marketplace.fairs.demo": ("marketplace.showcases", "cms"),
    "marketplace.deals.demo": ("marketplace.showcases", "marketplace.fairs", "cms", "credit"),
    "marketplace.insurance.demo": (
        "marketplace.payments",
        "marketplace.financing",
        "marketplace.matchmaking",
        "marketplace.showcases",
        "marketplace.fairs",
        "cms",
    ),
    "credit.demo": ("marketplace", "cms"),
}


@pytest.mark.parametrize(("module", "forbidden"), SEEDER_MAY_NOT_IMPORT.items())
def test_each_seeder_keeps_to_its_layer(module, forbidden):
    tree = ast.parse(Path(importlib.import_module(module).__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and not {name for name in imported if name.startswith(forbidden)}

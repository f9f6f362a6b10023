"""Reference data comes with `migrate`: a fresh install works without `seed_demo`.

The test database is built by running the migrations (no seed), so what these tests find there is
what a production install gets.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Page

from credit.models import Fact, Source
from marketplace.catalog.hs import CHAPTER_ZH, SECTION_ZH, hs_tree
from marketplace.catalog.models import Category, CategoryLevel, Product, ProductStatus
from marketplace.companies.demo_data import INDUSTRIES
from marketplace.companies.models import Company, Industry, MemberRole, User
from marketplace.companies.staff_groups import EDITORS, MODERATORS, OPERATORS, ensure_staff_groups
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_hs_tree_is_there_in_both_languages():
    sections = Category.objects.filter(level=CategoryLevel.SECTION)
    chapters = Category.objects.filter(level=CategoryLevel.CHAPTER).select_related("parent")
    assert sections.count() == 21 and chapters.count() == len(hs_tree()) - 21 == 96  # 01–97, 77 is reserved
    assert not Category.objects.filter(name="").exists() and not Category.objects.filter(name_zh="").exists()
    assert all(c.parent.level == CategoryLevel.SECTION for c in chapters)
    machinery = Category.objects.get(code="84")
    assert machinery.parent.code == "XVI" and "machinery" in machinery.name.lower()
    assert machinery.name_zh == CHAPTER_ZH["84"] and machinery.parent.name_zh == SECTION_ZH["XVI"]
    with translation.override("zh-hans"):
        assert machinery.display_name == "核反应堆、锅炉、机器、机械器具及其零件"
    with translation.override("en"):
        assert machinery.display_name == machinery.name
    # Sections first, then each section's chapters: the portal's category list reads in HS order.
    assert [c.code for c in Category.objects.filter(code__in=["I", "01", "II", "06"])] == [
        "I",
        "01",
        "II",
        "06",
    ]


def test_the_industries_a_company_picks_are_there_in_both_languages():
    assert set(Industry.objects.values_list("slug", "name", "name_zh")) == {
        (i.slug, i.name, i.name_zh) for i in INDUSTRIES
    }


def test_operators_get_the_admin_for_companies_and_fairs_and_nothing_more():
    operator = UserFactory(is_staff=True)
    operator.groups.add(Group.objects.get(name=OPERATORS))
    operator = User.objects.get(pk=operator.pk)  # a fresh permission cache
    assert operator.has_perm("companies.change_company") and operator.has_perm("companies.view_membership")
    assert operator.has_perm("fairs.add_fairsession") and operator.has_perm("fairs.delete_hall")
    # No escalation through the user admin, no rewriting of the verification audit trail.
    assert operator.has_perm("companies.view_user") and not operator.has_perm("companies.change_user")
    assert operator.has_perm("companies.view_verificationdecision")
    assert not operator.has_perm("companies.change_verificationdecision")
    assert not operator.has_perm("companies.delete_company") and not operator.has_perm(
        "catalog.change_product"
    )


def test_editors_and_moderators_reach_the_wagtail_admin_and_only_moderators_publish():
    root = Page.get_first_root_node()
    for name, can_publish in ((EDITORS, False), (MODERATORS, True)):
        group = Group.objects.get(name=name)
        assert group.permissions.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ).exists()
        codenames = set(
            GroupPagePermission.objects.filter(group=group, page=root).values_list(
                "permission__codename", flat=True
            )
        )
        assert {"add_page", "change_page"} <= codenames
        assert ("publish_page" in codenames) is can_publish
        user = UserFactory()
        user.groups.add(group)
        user = User.objects.get(pk=user.pk)
        assert user.has_perm("wagtailadmin.access_admin") and not user.is_staff
        assert root.permissions_for_user(user).can_publish_subpage() is can_publish


def _group_state() -> dict[str, tuple]:
    return {
        g.name: (
            tuple(sorted(g.permissions.values_list("content_type__app_label", "codename"))),
            tuple(
                sorted(GroupPagePermission.objects.filter(group=g).values_list("page_id", "permission_id"))
            ),
        )
        for g in Group.objects.filter(name__in=[OPERATORS, EDITORS, MODERATORS])
    }


def test_migrate_rebuilds_deleted_groups_and_a_second_run_changes_nothing():
    before = _group_state()
    assert set(before) == {OPERATORS, EDITORS, MODERATORS} and all(perms for perms, _ in before.values())
    Group.objects.filter(name__in=[OPERATORS, MODERATORS]).delete()
    # What `migrate` sends once it has applied the migrations (and `flush` after emptying the tables).
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    after = _group_state()
    assert after[OPERATORS] == before[OPERATORS] and after[EDITORS] == before[EDITORS]
    # Wagtail's migration gave Moderators image and document rights too; the rebuild gives the page rights.
    moderators = Group.objects.get(name=MODERATORS)
    assert moderators.permissions.filter(codename="access_admin").exists()
    assert set(
        GroupPagePermission.objects.filter(group=moderators, page=Page.get_first_root_node()).values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page", "publish_page"}
    ensure_staff_groups()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert _group_state() == after and Group.objects.filter(name=OPERATORS).count() == 1


def test_the_platforms_own_credit_source_is_there():
    source = Source.objects.get(code="platform")
    assert source.source_type == "platform" and source.name == "TrustFair" and source.is_active
    assert Source.objects.count() == 1 and not Fact.objects.exists()  # no demo sources, no facts


def test_a_supplier_signs_up_creates_its_company_and_files_a_product_with_no_seed(
    client, django_capture_on_commit_callbacks
):
    assert not Company.objects.exists() and not Product.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the confirmation is mailed after commit
        response = client.post(
            reverse("account_signup"),
            {"email": "li.wei@haitian.example", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 302

    # The industry list comes from the migrations.
    onboarding = client.get(reverse("companies:onboarding")).content.decode()
    machinery = Industry.objects.get(slug="machinery")
    assert f'value="{machinery.pk}"' in onboarding and "Industrial Machinery" in onboarding
    response = client.post(
        reverse("companies:onboarding"),
        {
            "name": "Ningbo Haitian Precision",
            "kind": "supplier",
            "country": "CN",
            "industry": machinery.pk,
            "registration_number": "913302001234567890",
        },
    )
    assert response.status_code == 302
    company = Company.objects.get(name="Ningbo Haitian Precision")
    user = User.objects.get(email="li.wei@haitian.example")
    assert user.membership.company == company and user.membership.role == MemberRole.OWNER

    # The HS chapters come from the migrations too.
    form_page = client.get(reverse("catalog:portal_product_create"))
    assert form_page.status_code == 200 and 'value="84"' in form_page.content.decode()
    response = client.post(
        reverse("catalog:portal_product_create"),
        {
            "sku": "HT-650",
            "name": "Servo injection moulding machine 650 t",
            "name_zh": "伺服注塑机 650吨",
            "description": "Energy-saving servo pump.",
            "category": "84",
            "hs_code": "8477.10",
            "moq": "1",
            "unit": "set",
            "currency": "USD",
            "lead_time_days": "45",
            "monthly_capacity": "20",
            "incoterms": ["FOB"],
            "port_of_loading": "Ningbo",
            "tiers-TOTAL_FORMS": "1",
            "tiers-INITIAL_FORMS": "0",
            "tiers-0-min_quantity": "1",
            "tiers-0-unit_price": "86000",
            "specs-TOTAL_FORMS": "0",
            "specs-INITIAL_FORMS": "0",
        },
    )
    product = Product.objects.get(sku="HT-650")
    assert response.status_code == 302 and response.url == reverse(
        "catalog:portal_product_edit", args=[product.pk]
    )
    assert product.supplier == company and product.category == Category.objects.get(code="84")
    assert product.status == ProductStatus.DRAFT and product.hs_code == "847710"
    assert [t.unit_price for t in product.price_tiers.all()] == [86000]

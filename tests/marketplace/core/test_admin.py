"""An operator reads any object's audit trail on its admin History page; the trail itself is read-only."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from marketplace.catalog import services as catalog_services
from marketplace.catalog.models import Product, ProductStatus
from marketplace.companies import services as company_services
from marketplace.companies.models import PlatformRole, VerificationDocument
from marketplace.core import audit
from marketplace.core.models import AuditEvent
from marketplace.showcases import services as showcase_services
from tests.factories import UserFactory
from tests.marketplace.catalog.factories import (
    ChapterFactory,
    ProductFactory,
    ShowcaseFactory,
    supplier_member,
)

pytestmark = pytest.mark.django_db

VIEW = ["view_product", "view_showcase", "view_company", "view_verificationdocument", "view_auditevent"]


@pytest.fixture
def operator_admin(db):
    user = UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True, email="olga@trustfair.example")
    user.user_permissions.add(*Permission.objects.filter(codename__in=VIEW))
    return user


@pytest.fixture
def owner(db):
    ChapterFactory(code="84")
    return supplier_member()


def history(client, obj):
    opts = obj._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_products_history_shows_its_moves(client, owner, operator_admin):
    product = ProductFactory(supplier=owner.company, status=ProductStatus.DRAFT)
    catalog_services.product_set_status(product=product, by_user=owner, status=ProductStatus.PUBLISHED)
    catalog_services.product_set_status(product=product, by_user=owner, status=ProductStatus.ARCHIVED)
    client.force_login(operator_admin)
    page = history(client, product)
    assert page.count('class="audit-event"') == 2
    assert "catalog.product.publish" in page and "draft → published" in page
    assert "catalog.product.archive" in page and "published → archived" in page
    assert owner.email in page
    # Another product's history does not show them.
    other = ProductFactory(supplier=owner.company)
    assert "catalog.product.publish" not in history(client, other)


def test_a_companys_history_is_its_whole_trail(client, owner, operator_admin):
    product = ProductFactory(supplier=owner.company, status=ProductStatus.DRAFT)
    catalog_services.product_set_status(product=product, by_user=owner, status=ProductStatus.PUBLISHED)
    stranger = supplier_member()
    catalog_services.product_set_status(
        product=ProductFactory(supplier=stranger.company, status=ProductStatus.DRAFT),
        by_user=stranger,
        status=ProductStatus.ARCHIVED,
    )
    client.force_login(operator_admin)
    page = history(client, owner.company)
    assert page.count('class="audit-event"') == 1 and "catalog.product.publish" in page


def test_a_documents_and_a_showcases_history(client, owner, operator_admin):
    operator = UserFactory(platform_role=PlatformRole.OPERATOR, email="otto@trustfair.example")
    document = VerificationDocument.objects.create(
        company=owner.company,
        kind="business_licence",
        original_name="l.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=owner,
        file="verification/l.pdf",
    )
    company_services.document_decide(
        document=document, by_user=operator, approve=False, reason="Forged stamp."
    )
    showcase = ShowcaseFactory(supplier=owner.company, created_by=owner)
    showcase_services.showcase_invite(showcase=showcase, by_user=owner, email="anna@importer.example")
    showcase_services.showcase_close(showcase=showcase, by_user=owner)
    client.force_login(operator_admin)
    page = history(client, document)
    assert "companies.verificationdocument.reject" in page and "Forged stamp." in page
    assert "otto@trustfair.example" in page
    page = history(client, showcase)
    assert "showcases.showcase.close" in page and "showcases.showcaseinvitation.create" in page


def test_history_needs_the_view_permission(client, owner):
    product = ProductFactory(supplier=owner.company)
    catalog_services.product_set_status(product=product, by_user=owner, status=ProductStatus.ARCHIVED)
    staff = UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:catalog_product_history", args=[product.pk]))
    assert response.status_code == 403


def test_the_audit_list_filters_and_searches_and_changes_nothing(client, owner, operator_admin):
    product = ProductFactory(supplier=owner.company, sku="FIND-ME", status=ProductStatus.PUBLISHED)
    catalog_services.product_set_status(product=product, by_user=owner, status=ProductStatus.ARCHIVED)
    audit.log(actor=None, action="core.test.other", obj=None)
    client.force_login(operator_admin)
    changelist = reverse("admin:core_auditevent_changelist")

    def listed(**query):
        response = client.get(changelist, query)
        assert response.status_code == 200
        return {e.action for e in response.context["cl"].result_list}

    assert listed() == {"catalog.product.archive", "core.test.other"}
    assert listed(action="core.test.other") == {"core.test.other"}
    assert listed(q=owner.email) == {"catalog.product.archive"}
    assert listed(q=product.name) == {"catalog.product.archive"}
    today = timezone.localdate()
    assert "catalog.product.archive" in listed(
        created_at__day=today.day, created_at__month=today.month, created_at__year=today.year
    )
    assert listed(created_at__year=today.year - 1) == set()
    products = ContentType.objects.get_for_model(Product)
    assert listed(content_type__id__exact=products.pk) == {"catalog.product.archive"}
    event = AuditEvent.objects.get(action="catalog.product.archive")
    detail = client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "rewritten"})
    assert AuditEvent.objects.get(pk=event.pk).action == "catalog.product.archive"

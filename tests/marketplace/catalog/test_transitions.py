"""Product status and the import lifecycle move along their transition tables, audited, announced after commit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.catalog import imports, services
from marketplace.catalog.models import (
    IMPORT_TRANSITIONS,
    PRODUCT_TRANSITIONS,
    Category,
    ImportStatus,
    Product,
    ProductImport,
    ProductStatus,
)
from marketplace.core import audit
from marketplace.core.models import AuditEvent
from marketplace.core.signals import state_changed
from marketplace.core.transitions import TransitionNotAllowed
from tests.marketplace.catalog.factories import ProductFactory, supplier_member
from tests.marketplace.catalog.test_import import csv_bytes, row

pytestmark = pytest.mark.django_db

ALLOWED = {
    (ProductStatus.DRAFT, ProductStatus.PUBLISHED),
    (ProductStatus.ARCHIVED, ProductStatus.PUBLISHED),
    (ProductStatus.DRAFT, ProductStatus.ARCHIVED),
    (ProductStatus.PUBLISHED, ProductStatus.ARCHIVED),
    (ProductStatus.PUBLISHED, ProductStatus.DRAFT),
    (ProductStatus.ARCHIVED, ProductStatus.DRAFT),
}


@pytest.fixture
def signals_seen():
    seen = []

    def receiver(sender, instance, event, source, target, actor, **kwargs):
        seen.append((sender, instance.pk, event, source, target, actor))

    state_changed.connect(receiver, weak=False)
    yield seen
    state_changed.disconnect(receiver)


def test_the_table_is_what_a_supplier_expects():
    moves = {
        (source, target)
        for sources in PRODUCT_TRANSITIONS.moves.values()
        for source, target in sources.items()
    }
    assert moves == ALLOWED


@pytest.mark.parametrize("source", ProductStatus.values)
@pytest.mark.parametrize("target", ProductStatus.values)
def test_every_move_of_a_product(chapter84, source, target, signals_seen, django_capture_on_commit_callbacks):
    owner = supplier_member()
    product = ProductFactory(supplier=owner.company, status=source, published_at=None)
    if (source, target) not in ALLOWED:
        with pytest.raises(TransitionNotAllowed):
            services.product_set_status(product=product, by_user=owner, status=target)
        product.refresh_from_db()
        assert product.status == source and product.published_at is None
        assert not audit.history(product).exists() and signals_seen == []
        return
    with django_capture_on_commit_callbacks(execute=True):
        services.product_set_status(product=product, by_user=owner, status=target)
        assert signals_seen == []  # announced only once committed
    product.refresh_from_db()
    assert product.status == target
    assert (product.published_at is not None) == (target == ProductStatus.PUBLISHED)
    event = audit.history(product).get()
    expected = services.STATUS_EVENTS[target]
    assert event.action == f"catalog.product.{expected}"
    assert (event.actor_id, event.actor_label, event.company_id) == (owner.pk, owner.email, owner.company.pk)
    assert event.data == {"event": expected, "from": source, "to": target}
    assert signals_seen == [(Product, product.pk, expected, source, target, owner)]


def test_publishing_needs_a_price_and_keeps_the_first_publication_date(chapter84):
    owner = supplier_member()
    product = ProductFactory(supplier=owner.company, status=ProductStatus.DRAFT, published_at=None)
    product.price_tiers.all().delete()
    with pytest.raises(ValidationError, match="price"):
        services.product_set_status(product=product, by_user=owner, status=ProductStatus.PUBLISHED)
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT and not audit.history(product).exists()

    priced = ProductFactory(supplier=owner.company, status=ProductStatus.PUBLISHED)
    first = priced.published_at
    services.product_set_status(product=priced, by_user=owner, status=ProductStatus.ARCHIVED)
    services.product_set_status(product=priced, by_user=owner, status=ProductStatus.PUBLISHED)
    priced.refresh_from_db()
    assert priced.published_at == first
    assert list(audit.history(priced).values_list("action", flat=True)) == [
        "catalog.product.publish",
        "catalog.product.archive",
    ]


def test_another_company_cannot_move_a_product(chapter84):
    product = ProductFactory(status=ProductStatus.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.product_set_status(product=product, by_user=supplier_member(), status=ProductStatus.ARCHIVED)
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED and not audit.history(product).exists()


def test_an_unknown_status_is_refused(chapter84):
    owner = supplier_member()
    product = ProductFactory(supplier=owner.company)
    with pytest.raises(ValidationError, match="Unknown status"):
        services.product_set_status(product=product, by_user=owner, status="deleted")


def test_the_portal_says_why_a_move_is_refused(client, chapter84):
    owner = supplier_member()
    product = ProductFactory(supplier=owner.company, status=ProductStatus.PUBLISHED)
    client.force_login(owner)
    response = client.post(
        reverse("catalog:portal_product_action", args=[product.pk, "publish"]), follow=True
    )
    assert "This product is already published." in response.content.decode()
    assert not audit.history(product).exists()


# -- the import lifecycle ------------------------------------------------------------------------


@pytest.fixture
def supplier(supplier_owner, chapter84, chapter85):
    return supplier_owner.company


def _check(supplier, owner, rows):
    upload = SimpleUploadedFile("products.csv", csv_bytes(rows), content_type="text/csv")
    return imports.import_check(supplier=supplier, by_user=owner, upload=upload)


def test_import_table():
    assert IMPORT_TRANSITIONS.events_from(ImportStatus.PREVIEWED) == ["apply", "fail"]
    assert IMPORT_TRANSITIONS.events_from(ImportStatus.COMMITTED) == []
    assert IMPORT_TRANSITIONS.events_from(ImportStatus.FAILED) == []


def test_check_then_apply_is_audited_and_announced(
    supplier, supplier_owner, signals_seen, django_capture_on_commit_callbacks
):
    record = _check(supplier, supplier_owner, [row()])
    assert record.status == ImportStatus.PREVIEWED and not Product.objects.exists()
    checked = audit.history(record).get()
    assert checked.action == "catalog.productimport.check"
    assert checked.data["status"] == "previewed" and checked.data["counts"]["create"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        outcome = imports.import_apply(record=record, by_user=supplier_owner)
        assert signals_seen == []
    assert outcome.applied and outcome.counts["create"] == 1
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED and record.committed_at is not None
    applied = audit.history(record).first()
    assert applied.action == "catalog.productimport.apply"
    assert applied.data["from"] == "previewed" and applied.data["to"] == "committed"
    assert applied.data["counts"]["create"] == 1
    assert signals_seen == [(ProductImport, record.pk, "apply", "previewed", "committed", supplier_owner)]
    assert Product.objects.filter(sku="HT-100", supplier=supplier).exists()


def test_a_spent_import_cannot_be_applied_again(supplier, supplier_owner):
    record = _check(supplier, supplier_owner, [row()])
    imports.import_apply(record=record, by_user=supplier_owner)
    Product.objects.all().delete()
    events = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        imports.import_apply(record=record, by_user=supplier_owner)
    assert not Product.objects.exists() and AuditEvent.objects.count() == events


def test_a_failed_check_cannot_be_applied(supplier, supplier_owner):
    record = _check(supplier, supplier_owner, [row(currency="XYZ")])
    assert record.status == ImportStatus.FAILED
    with pytest.raises(TransitionNotAllowed):
        imports.import_apply(record=record, by_user=supplier_owner)
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and not Product.objects.exists()
    assert audit.history(record).count() == 1  # the check only


def test_a_file_that_no_longer_passes_fails_and_writes_nothing_else(supplier, supplier_owner):
    record = _check(supplier, supplier_owner, [row()])
    # Meanwhile the chapter the file files its product under went away: the second check finds it.
    Category.objects.filter(code="84").delete()
    outcome = imports.import_apply(record=record, by_user=supplier_owner)
    assert not outcome.applied
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and record.summary["errors"]
    event = audit.history(record).first()
    assert event.action == "catalog.productimport.fail" and event.data["errors"] >= 1
    assert not Product.objects.exists()


def test_another_company_cannot_apply_an_import(supplier, supplier_owner):
    record = _check(supplier, supplier_owner, [row()])
    with pytest.raises(PermissionDenied):
        imports.import_apply(record=record, by_user=supplier_member())
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED and audit.history(record).count() == 1
    with pytest.raises(PermissionDenied):
        _check(supplier, supplier_member(), [row()])

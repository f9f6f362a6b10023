"""The audit trail is append-only; the transition helper checks, moves, audits and signals after commit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from marketplace.catalog.models import Product, ProductStatus
from marketplace.core import audit
from marketplace.core.models import AuditEvent
from marketplace.core.signals import state_changed
from marketplace.core.transitions import TransitionNotAllowed, TransitionTable, transition
from tests.factories import UserFactory
from tests.marketplace.catalog.factories import ProductFactory

TABLE = TransitionTable(
    field="status",
    company=lambda p: p.supplier_id,
    moves={"archive": {ProductStatus.PUBLISHED: ProductStatus.ARCHIVED}},
)


@pytest.fixture
def product(db):
    return ProductFactory(status=ProductStatus.PUBLISHED)


def test_log_keeps_who_what_and_for_whom(product):
    user = UserFactory(email="ana@example.com")
    event = audit.log(actor=user, action="catalog.product.test", obj=product, company_id=7, data={"n": 1})
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label, event.company_id) == (user.pk, "ana@example.com", 7)
    assert (event.object_id, event.data) == (str(product.pk), {"n": 1})
    assert list(audit.history(product)) == [event]


def test_events_cannot_be_changed_or_deleted_through_the_orm(product):
    event = audit.log(actor=None, action="catalog.product.test", obj=product)
    event.action = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "catalog.product.test"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_raw_update_and_delete():
    product = ProductFactory(status=ProductStatus.PUBLISHED)
    event = audit.log(actor=None, action="catalog.product.test", obj=product)
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "catalog.product.test"


def test_transition_moves_audits_and_signals_after_commit(product, django_capture_on_commit_callbacks):
    user = UserFactory()
    seen = []

    def receiver(sender, instance, event, source, target, actor, audit_event, **kwargs):
        seen.append((sender, instance.pk, event, source, target, actor, audit_event.action))

    state_changed.connect(receiver, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            transition(product, table=TABLE, event="archive", by_user=user, data={"why": "season over"})
            assert seen == []  # nothing is announced before the commit
    finally:
        state_changed.disconnect(receiver)
    product.refresh_from_db()
    assert product.status == ProductStatus.ARCHIVED
    event = audit.history(product).get()
    assert event.action == "catalog.product.archive"
    assert event.company_id == product.supplier_id
    assert event.data == {"event": "archive", "from": "published", "to": "archived", "why": "season over"}
    assert seen == [
        (Product, product.pk, "archive", "published", "archived", user, "catalog.product.archive")
    ]


def test_a_move_not_in_the_table_changes_nothing(product):
    product.status = ProductStatus.DRAFT
    product.save(update_fields=["status"])
    with pytest.raises(TransitionNotAllowed):
        transition(product, table=TABLE, event="archive", by_user=UserFactory())
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT
    assert not audit.history(product).exists()


def test_refused_permission_or_apply_writes_nothing(product):
    with pytest.raises(PermissionDenied):
        transition(product, table=TABLE, event="archive", by_user=UserFactory(), allowed=lambda u, p: False)

    def refuse(p):
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        transition(product, table=TABLE, event="archive", by_user=UserFactory(), apply=refuse)
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED
    assert not audit.history(product).exists()


def test_derived_state_tables_let_apply_make_the_change(product):
    table = TransitionTable(
        state=lambda p: "priced" if p.min_price is not None else "unpriced",
        moves={"unprice": {"priced": "unpriced"}},
    )

    def clear(p):
        p.min_price = None
        return ["min_price"]

    transition(product, table=table, event="unprice", by_user=None, apply=clear)
    product.refresh_from_db()
    assert product.min_price is None
    assert audit.history(product).get().actor_id is None


def test_a_table_takes_exactly_one_way_to_read_the_state():
    with pytest.raises(ValueError):
        TransitionTable(moves={}, field="status", state=lambda o: "x")
    with pytest.raises(ValueError):
        TransitionTable(moves={})

"""credit.facts.record: idempotency, validation against the registry, subjects, append-only storage."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from credit import facts
from credit.models import AppendOnlyError, Fact
from credit.signals import fact_recorded

PAID = {"amount": "1200.50", "currency": "usd", "due_date": "2024-01-10", "paid_date": "2024-01-15"}


def record(subject, **overrides):
    kwargs = {
        "source": "platform",
        "kind": "invoice_paid",
        "subject": subject,
        "payload": PAID,
        "occurred_at": "2024-01-15T10:00:00+08:00",
        "external_ref": "inv-1",
    }
    kwargs.update(overrides)
    return facts.record(**kwargs)


@pytest.mark.django_db
def test_the_same_fact_twice_is_stored_once(subject):
    first, created = record(subject)
    second, created_again = record(subject)
    assert (created, created_again) == (True, False)
    assert second.pk == first.pk and Fact.objects.count() == 1


@pytest.mark.django_db
def test_a_fact_keeps_money_as_decimal_and_iso_currency_and_its_derived_columns(subject):
    fact, _ = record(subject)
    assert fact.payload == {
        "amount": "1200.50",
        "currency": "USD",
        "due_date": "2024-01-10",
        "paid_date": "2024-01-15",
    }
    assert fact.amount == Decimal("1200.50") and fact.currency == "USD" and fact.metric == 5.0
    assert fact.occurred_at == dt.datetime(2024, 1, 15, 2, tzinfo=dt.UTC)
    assert fact.known_at >= fact.occurred_at


@pytest.mark.django_db
def test_a_subject_is_found_by_its_registration(subject):
    fact, created = record(None, subject_ref=("cn", "91310000MA1"))
    assert created and fact.subject_id == subject.pk


@pytest.mark.django_db
def test_an_unknown_subject_is_rejected_naming_the_identifier(subject):
    with pytest.raises(ValidationError) as error:
        record(None, subject_ref=("CN", "NOPE-42"))
    assert "NOPE-42" in str(error.value.message_dict["subject_registration"])
    assert Fact.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"occurred_at": "15/01/2024"}, "occurred_at", "ISO 8601"),
        ({"occurred_at": "2024-01-15T10:00:00"}, "occurred_at", "UTC offset"),
        ({"payload": {**PAID, "due_date": "10.01.2024"}}, "due_date", "YYYY-MM-DD"),
        ({"payload": {**PAID, "currency": "XYZ"}}, "currency", "ISO 4217"),
        ({"payload": {**PAID, "amount": "12,5"}}, "amount", "decimal"),
        ({"payload": {**PAID, "colour": "red"}}, "colour", "unknown field"),
        ({"kind": "rumour"}, "kind", "unknown fact kind"),
        ({"known_at": "2024-01-01"}, "known_at", "before it occurred"),
        ({"occurred_at": "2999-01-01"}, "occurred_at", "future"),
    ],
)
def test_invalid_facts_are_refused_with_field_and_reason(subject, overrides, field, words):
    with pytest.raises(ValidationError) as error:
        record(subject, **overrides)
    assert words in " ".join(error.value.message_dict[field])
    assert Fact.objects.count() == 0


@pytest.mark.django_db
def test_a_bank_source_cannot_record_insurance_facts(subject, bank):
    with pytest.raises(ValidationError) as error:
        facts.record(
            source=bank,
            kind="insurance_limit_granted",
            subject=subject,
            payload={"limit": "1000", "currency": "EUR"},
            occurred_at="2024-01-01",
            external_ref="x",
        )
    assert "may not send" in error.value.message_dict["kind"][0]


@pytest.mark.django_db
def test_fact_recorded_is_sent_after_commit_and_not_for_duplicates(
    subject, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, subject_ids, fact, **kwargs):
        received.append((subject_ids, fact.pk))

    fact_recorded.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            fact, _ = record(subject)
            assert received == []  # not before commit
        with django_capture_on_commit_callbacks(execute=True):
            record(subject)
    finally:
        fact_recorded.disconnect(listener)
    assert received == [(frozenset({subject.pk}), fact.pk)]


@pytest.mark.django_db
def test_facts_cannot_be_changed_or_deleted_through_the_orm(subject):
    fact, _ = record(subject)
    fact.payload = {}
    with pytest.raises(AppendOnlyError):
        fact.save()
    with pytest.raises(AppendOnlyError):
        fact.delete()
    with pytest.raises(AppendOnlyError):
        Fact.objects.filter(pk=fact.pk).update(kind="default")
    with pytest.raises(AppendOnlyError):
        Fact.objects.all().delete()
    assert Fact.objects.get().payload["amount"] == "1200.50"


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_raw_update_and_delete_of_facts(subject):
    fact, _ = record(subject)
    for sql in (
        "UPDATE credit_fact SET kind = 'default' WHERE id = %s",
        "DELETE FROM credit_fact WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [fact.pk])
    assert Fact.objects.get(pk=fact.pk).kind == "invoice_paid"


@pytest.mark.django_db
def test_a_correction_must_come_from_the_same_source_and_subject(subject, make_subject, make_source):
    fact, _ = record(subject)
    other = make_subject()
    with pytest.raises(ValidationError, match="another subject"):
        record(other, external_ref="inv-1-fix", supersedes=fact)
    fix, created = record(
        subject, external_ref="inv-1-fix", supersedes=fact, payload={**PAID, "amount": "1100.00"}
    )
    assert created and fix.supersedes_id == fact.pk

"""The trade record: appends chain by hash, verification passes on a whole record and names the first break."""

import pytest
from django.db import connection

from marketplace.deals import record, services
from marketplace.deals.models import DealEvent


def test_open_deal_writes_the_first_event_and_a_valid_chain(deal, parties):
    assert deal.number.startswith("TF-") and deal.state == "inquiry"
    events = list(deal.events.order_by("seq"))
    assert [e.action for e in events] == ["open"]
    assert events[0].prev_hash == record.GENESIS
    assert events[0].actor_company_id == parties["buyer"].pk
    assert record.verify(deal) is None


def test_side_steps_chain_on(deal, parties):
    services.post_message(
        deal=deal, by_user=parties["supplier_user"], body="Yes, 45 days lead time. 价格见附件"
    )
    services.post_message(deal=deal, by_user=parties["buyer_user"], body="Thanks")
    events = list(deal.events.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert record.verify(deal) is None
    deal.refresh_from_db()
    assert deal.record_length == 3 and deal.record_head == events[2].hash


def test_canonical_json_is_sorted_compact_and_keeps_unicode():
    from decimal import Decimal

    assert record.canonical({"b": Decimal("1.50"), "a": "价格"}) == '{"a":"价格","b":"1.50"}'
    with pytest.raises(TypeError):
        record.canonical({"x": 1.5})


def test_the_orm_refuses_to_change_an_event(deal):
    event = deal.events.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_events(deal):
    from django.db import DatabaseError, transaction

    for sql in ("UPDATE deals_dealevent SET action = 'x'", "DELETE FROM deals_dealevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert DealEvent.objects.filter(deal=deal).count() == 1


def test_the_stored_data_is_the_canonical_text_the_check_hashes(deal, parties):
    """The column keeps `record.canonical(data)` as it is (on PostgreSQL a `json` column, not `jsonb`)."""
    services.post_message(deal=deal, by_user=parties["supplier_user"], body='Quote: "FOB" 宁波, 45 days')
    cast = "data::text" if connection.vendor == "postgresql" else "data"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {cast} FROM deals_dealevent WHERE deal_id = %s ORDER BY seq", [deal.pk])  # noqa: S608
        stored = dict(cursor.fetchall())
    events = list(deal.events.order_by("seq"))
    assert len(stored) == 2
    for event in events:
        assert stored[event.pk] == record.canonical(event.data)
    assert events[1].data["body"] == 'Quote: "FOB" 宁波, 45 days'
    assert record.verify(deal) is None

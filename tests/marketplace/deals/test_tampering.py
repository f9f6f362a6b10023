"""Each kind of tampering behind the ORM's back — edit, delete, reorder, insert — is caught and named.

The rows are changed with raw SQL. On PostgreSQL the append-only trigger refuses that, so the test
switches triggers off for its own session (`session_replication_role = replica`), as an intruder with
the database owner's rights could.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from marketplace.deals import record, services
from marketplace.deals.models import DealEvent


def tamper(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def chain(deal, parties):
    """A deal with five events, and a second, untouched deal."""
    for text in ("one", "two", "three", "four"):
        services.post_message(deal=deal, by_user=parties["supplier_user"], body=text)
    other = services.open_deal(
        buyer=parties["buyer"],
        supplier=parties["supplier"],
        by_user=parties["buyer_user"],
        opening=services.Opening(kind="company", message="another"),
    )
    assert record.verify(deal) is None and record.verify(other) is None
    return deal, other


def _event(deal, seq):
    return DealEvent.objects.get(deal=deal, seq=seq)


def delete_event(event) -> None:
    """The intruder first unhooks the message that points at the event, then deletes it."""
    tamper("UPDATE deals_message SET event_id = NULL WHERE event_id = %s", [event.pk])
    tamper("DELETE FROM deals_dealevent WHERE id = %s", [event.pk])


def _check_fails(deal, seq, words):
    broken = record.verify(deal)
    assert broken is not None and broken.deal_id == deal.pk and broken.seq == seq
    assert words in broken.reason
    with pytest.raises(CommandError) as failure:
        call_command("verify_trade_record")
    assert f"deal {deal.pk}:" in str(failure.value)
    assert (f"event #{seq} " if seq is not None else "its head") in str(failure.value)
    with pytest.raises(CommandError):
        call_command("verify_trade_record", deal=deal.pk)
    return broken


def test_an_intact_record_passes_the_command(chain, capsys):
    call_command("verify_trade_record")
    assert "trade record intact: 2 deals, 6 events" in capsys.readouterr().out


def test_edited_data_is_detected(chain):
    deal, other = chain
    event = _event(deal, 3)
    tamper(
        "UPDATE deals_dealevent SET data = %s WHERE id = %s",
        [json.dumps({**event.data, "body": "TWO"}), event.pk],
    )
    _check_fails(deal, 3, "edited")
    assert record.verify(other) is None


def test_edited_actor_or_time_is_detected(chain, parties):
    deal, _other = chain
    tamper(
        "UPDATE deals_dealevent SET actor_user_id = %s WHERE id = %s",
        [parties["buyer_user"].pk, _event(deal, 2).pk],
    )
    _check_fails(deal, 2, "edited")


def test_a_rehashed_edit_breaks_the_next_link(chain):
    """An intruder who recomputes the edited row's own hash still breaks the row after it."""
    deal, _other = chain
    event = _event(deal, 2)
    event.data = {**event.data, "body": "forged"}
    forged_hash = record.event_hash(event)
    tamper(
        "UPDATE deals_dealevent SET data = %s, hash = %s WHERE id = %s",
        [json.dumps(event.data), forged_hash, event.pk],
    )
    _check_fails(deal, 3, "does not link")


def test_a_deleted_event_is_detected(chain):
    deal, _other = chain
    delete_event(_event(deal, 3))
    _check_fails(deal, 4, "missing")


def test_a_deleted_last_event_is_detected_by_the_head(chain):
    deal, _other = chain
    delete_event(_event(deal, 5))
    _check_fails(deal, None, "missing at the end")


def test_reordered_events_are_detected(chain):
    deal, _other = chain
    a, b = _event(deal, 2), _event(deal, 3)
    tamper("UPDATE deals_dealevent SET seq = 1000 WHERE id = %s", [a.pk])
    tamper("UPDATE deals_dealevent SET seq = 2 WHERE id = %s", [b.pk])
    tamper("UPDATE deals_dealevent SET seq = 3 WHERE id = %s", [a.pk])
    _check_fails(deal, 2, "does not link")


def test_an_event_inserted_in_the_middle_is_detected(chain, parties):
    deal, _other = chain
    for seq in (5, 4, 3):
        tamper("UPDATE deals_dealevent SET seq = seq + 1 WHERE deal_id = %s AND seq = %s", [deal.pk, seq])
    second = _event(deal, 2)
    tamper(
        "INSERT INTO deals_dealevent (deal_id, seq, at, actor_user_id, actor_company_id, action, data, prev_hash, hash)"
        " VALUES (%s, 3, %s, %s, %s, 'message', %s, %s, %s)",
        [
            deal.pk,
            second.at,
            parties["buyer_user"].pk,
            parties["buyer"].pk,
            json.dumps({"body": "forged"}),
            second.hash,
            "f" * 64,
        ],
    )
    _check_fails(deal, 3, "edited")


def test_a_well_forged_event_appended_at_the_end_is_detected_by_the_head(chain, parties):
    """A row with a correct link and a correct hash, added behind the service, does not match the deal's head."""
    deal, _other = chain
    last = _event(deal, 5)
    forged = DealEvent(
        deal=deal,
        seq=6,
        at=last.at,
        actor_user_id=parties["buyer_user"].pk,
        actor_company_id=parties["buyer"].pk,
        action="accept_offer",
        data={"offer": 1},
        prev_hash=last.hash,
    )
    forged.hash = record.event_hash(forged)
    tamper(
        "INSERT INTO deals_dealevent (deal_id, seq, at, actor_user_id, actor_company_id, action, data, prev_hash, hash)"
        " VALUES (%s, 6, %s, %s, %s, %s, %s, %s, %s)",
        [
            deal.pk,
            forged.at,
            forged.actor_user_id,
            forged.actor_company_id,
            forged.action,
            json.dumps(forged.data),
            forged.prev_hash,
            forged.hash,
        ],
    )
    _check_fails(deal, None, "records 5 events but its chain has 6")


def test_the_command_names_a_missing_deal(db):
    with pytest.raises(CommandError, match="no deal with id 999999"):
        call_command("verify_trade_record", deal=999999)


def test_the_same_data_stored_in_another_spelling_still_verifies(chain):
    """A row whose text is not the canonical one (written before the column kept it) is parsed and checked."""
    deal, _other = chain
    event = _event(deal, 2)
    tamper(
        "UPDATE deals_dealevent SET data = %s WHERE id = %s",
        [json.dumps(event.data, indent=2, ensure_ascii=True), event.pk],
    )
    assert record.verify(deal) is None
    call_command("verify_trade_record")


def test_a_float_written_behind_the_service_is_detected(chain):
    deal, _other = chain
    event = _event(deal, 4)
    tamper("UPDATE deals_dealevent SET data = %s WHERE id = %s", ['{"body": 1.5}', event.pk])
    _check_fails(deal, 4, "edited")

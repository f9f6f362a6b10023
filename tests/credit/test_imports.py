"""File import: the command and the service behind it, for CSV and JSON Lines."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from credit.models import BatchStatus, Fact, ImportBatch, RejectedRow

HEADER = "kind,subject_id,subject_country,subject_registration,occurred_at,known_at,external_ref,rating\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, source="bank-a"):
    out, err = StringIO(), StringIO()
    call_command(
        "import_credit_facts", path, "--source", source, "--progress-every", "2", stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_csv(tmp_path, subject, bank):
    return write(
        tmp_path,
        "ratings.csv",
        HEADER
        + (
            f"bank_rating,{subject.pk},,,2024-01-15,2024-01-20,r-1,A\n"
            "bank_rating,,CN,91310000MA1,2024-06-15T00:00:00Z,,r-2,BBB\n"
        ),
    )


@pytest.mark.django_db
def test_a_csv_file_is_imported_once_and_the_second_time_says_so(good_csv, subject):
    out, err = run(good_csv)
    assert "2 facts added" in out and "0 rejected" in out
    assert "… 2 rows" in err  # progress line
    assert sorted(Fact.objects.values_list("payload__rating", flat=True)) == ["A", "BBB"]
    out, _ = run(good_csv)
    assert "already imported" in out and "nothing added" in out
    assert Fact.objects.count() == 2 and ImportBatch.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_file_with_the_same_references_adds_only_new_rows(good_csv, tmp_path, subject):
    run(good_csv)
    changed = write(
        tmp_path,
        "ratings-2.csv",
        Path(good_csv).read_text() + f"bank_rating,{subject.pk},,,2024-07-01,,r-3,AA\n",
    )
    out, _ = run(changed)
    assert "1 facts added, 2 duplicates" in out
    assert Fact.objects.count() == 3


@pytest.mark.django_db
def test_bad_rows_are_reported_kept_and_do_not_block_the_good_ones(tmp_path, subject, bank):
    path = write(
        tmp_path,
        "mixed.csv",
        HEADER
        + (
            f"bank_rating,{subject.pk},,,2024-01-15,,ok-1,A\n"
            f"bank_rating,{subject.pk},,,15/01/2024,,bad-date,A\n"
            "bank_rating,,CN,UNKNOWN-9,2024-01-15,,bad-subject,A\n"
            f"bank_rating,{subject.pk},,,2024-01-15,,bad-rating,Z+\n"
            f"insurance_claim_paid,{subject.pk},,,2024-01-15,,bad-scope,\n"
            f"bank_rating,{subject.pk},,,2024-01-15,,ok-1,A\n"
        ),
    )
    out, err = run(path)
    assert "1 facts added, 1 duplicates, 4 rejected" in out
    assert "line 3: occurred_at: expected an ISO 8601 date" in err
    assert "line 4: subject_registration: no subject registered as 'UNKNOWN-9' in CN" in err
    assert "line 5: rating: expected one of AAA" in err
    assert "line 6: kind: source bank-a (bank) may not send insurance_claim_paid" in err
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    rejected = {row.line: row for row in RejectedRow.objects.filter(batch=batch)}
    assert set(rejected) == {3, 4, 5, 6}
    assert rejected[3].raw["occurred_at"] == "15/01/2024"  # the raw row is kept as sent
    assert list(Fact.objects.values_list("external_ref", flat=True)) == ["ok-1"]


@pytest.mark.django_db
def test_a_batch_that_fails_in_the_database_writes_nothing(good_csv, monkeypatch):
    import credit.imports

    def broken_insert(drafts, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(credit.imports, "insert_drafts", broken_insert)
    with pytest.raises(RuntimeError):
        run(good_csv)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED and "disk full" in batch.error
    assert Fact.objects.count() == 0 and RejectedRow.objects.count() == 0


@pytest.mark.django_db
def test_json_lines_carry_the_payload_as_an_object(tmp_path, subject, insurer):
    lines = [
        {
            "kind": "insurance_limit_granted",
            "subject_id": subject.pk,
            "occurred_at": "2024-03-01",
            "external_ref": "lim-1",
            "payload": {"limit": 250000.5, "currency": "EUR"},
        },
        "not json at all",
        {
            "kind": "insurance_limit_cut",
            "subject_id": subject.pk,
            "occurred_at": "2024-04-01",
            "external_ref": "lim-2",
            "payload": {"limit": "-5", "currency": "EUR"},
        },
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    out, err = run(write(tmp_path, "limits.jsonl", text), source="insurer-a")
    assert "1 facts added, 0 duplicates, 2 rejected" in out
    assert "line 2: -: not valid JSON" in err
    assert "line 3: limit: must not be negative" in err
    assert Fact.objects.get().payload == {"limit": "250000.5", "currency": "EUR"}


@pytest.mark.django_db
def test_the_command_refuses_unknown_sources_and_file_types(tmp_path, bank):
    with pytest.raises(CommandError, match="no data source"):
        run(write(tmp_path, "a.csv", HEADER), source="nobody")
    with pytest.raises(CommandError, match="unsupported file type"):
        run(write(tmp_path, "a.xlsx", "x"))


@pytest.mark.django_db
def test_an_import_announces_its_subjects_once_after_commit(
    good_csv, subject, django_capture_on_commit_callbacks
):
    from credit.signals import fact_recorded

    received = []

    def listener(sender, subject_ids, batch, **kwargs):
        received.append((subject_ids, batch.pk))

    fact_recorded.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(good_csv)
    finally:
        fact_recorded.disconnect(listener)
    assert received == [(frozenset({subject.pk}), ImportBatch.objects.get().pk)]

"""Fact disputes: a company contests a fact behind its index; the fact's source or a risk officer decides.

    open ──(company member)──► open ──(reviewer: correct)──► corrected   (a new fact supersedes the old)
                                   ──(reviewer: retract)──► retracted   (a `fact_retracted` fact supersedes it)
                                   ──(reviewer: reject)───► rejected    (the fact stands; a reason is given)
                                   ──(company: withdraw)──► withdrawn

What upholding a dispute records, by its ground (`suggested_correction` prefills the reviewer's form):

* wrong — the same kind with the right content (e.g. 5 days late, not 60);
* already paid — for a late payment, the payment as it happened: an `invoice_paid` with its due and paid dates;
* not ours — a retraction (`dispute_retract`): the fact is about another company, so nothing replaces it and
  from the retraction's moment on it counts nowhere.

Who may do what:

* open, add evidence, withdraw: the members of the company the fact is about (settings.CREDIT_SUBJECT_MEMBER
  names the predicate `(user, subject_id) -> bool`; credit imports nothing from marketplace);
* correct or reject: the source's reviewers (the staff of the partner company a `SourcePartner` links to the
  fact's source) and platform risk officers;
* read a dispute and its evidence: those three, nobody else.

Facts stay append-only: a dispute is its own record; a correction goes through `facts.record(...,
supersedes=fact)`. Every step writes a `DisputeEvent` in the same transaction, and after commit the
index is recomputed and `dispute_changed` is sent (the marketplace notifies the people concerned).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from credit import facts, index
from credit.kinds import RETRACTION_KIND
from credit.models import (
    DisputeEvent,
    DisputeEvidence,
    DisputeGround,
    DisputeStatus,
    Fact,
    FactDispute,
    SourcePartner,
)
from credit.signals import dispute_changed

DEFAULT_REVIEW_DAYS = 30
EVIDENCE_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 10

# event -> {from status: to status}
TRANSITIONS: dict[str, dict[str, str]] = {
    "correct": {DisputeStatus.OPEN: DisputeStatus.CORRECTED},
    "retract": {DisputeStatus.OPEN: DisputeStatus.RETRACTED},
    "reject": {DisputeStatus.OPEN: DisputeStatus.REJECTED},
    "withdraw": {DisputeStatus.OPEN: DisputeStatus.WITHDRAWN},
}


def review_days() -> int:
    return int(getattr(settings, "CREDIT_DISPUTE_REVIEW_DAYS", DEFAULT_REVIEW_DAYS))


@functools.lru_cache(maxsize=4)
def _member_predicate(path: str):
    return import_string(path)


def is_member(user, subject_id: int) -> bool:
    """Does `user` work for the subject? Asked of the predicate settings.CREDIT_SUBJECT_MEMBER names."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    path = getattr(settings, "CREDIT_SUBJECT_MEMBER", "")
    if not path:
        return False
    return bool(_member_predicate(path)(user, subject_id))


def is_risk_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_risk_officer", False))


def reviewed_source_ids(user) -> set[int]:
    """The sources whose disputes `user` reviews: those whose partner company the user works for."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {link.source_id for link in SourcePartner.objects.all() if is_member(user, link.partner_id)}


def is_reviewer(user, dispute: FactDispute) -> bool:
    link = SourcePartner.objects.filter(source_id=dispute.fact.source_id).first()
    return link is not None and is_member(user, link.partner_id)


def can_decide(user, dispute: FactDispute) -> bool:
    return is_risk_officer(user) or is_reviewer(user, dispute)


def can_view(user, dispute: FactDispute) -> bool:
    return can_decide(user, dispute) or is_member(user, dispute.subject_id)


def _log(dispute: FactDispute, action: str, user, **data) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        actor=user if getattr(user, "is_authenticated", False) else None,
        actor_label=getattr(user, "email", "") or "",
        data=json.loads(json.dumps(data, default=str)),
    )


def _after_commit(dispute: FactDispute, action: str) -> None:
    def done():
        index.recompute(subject_ids=[dispute.subject_id])
        dispute_changed.send(sender=FactDispute, dispute=dispute, action=action)

    transaction.on_commit(done)


# -- reading --------------------------------------------------------------------------------------


def for_subject(*, subject) -> list[FactDispute]:
    """A company's disputes, newest first (for its own credit page)."""
    return list(FactDispute.objects.filter(subject_id=subject.pk).select_related("fact", "fact__source")[:50])


def open_fact_ids(*, subject_id: int) -> set[int]:
    """Ids of the subject's facts under an open dispute (risk officers see them marked)."""
    return set(
        FactDispute.objects.filter(subject_id=subject_id, status=DisputeStatus.OPEN).values_list(
            "fact_id", flat=True
        )
    )


def risk_context(*, subject_id: int) -> dict:
    """What a risk officer's credit file shows of disputes: the subject's disputes, the disputed facts, and
    the facts a correction or retraction replaced (kept on file, no longer counted)."""
    replaced = replaced_facts(subject_id=subject_id)
    return {
        "disputes": list(
            FactDispute.objects.filter(subject_id=subject_id).select_related("fact", "fact__source")[:50]
        ),
        "disputed_ids": open_fact_ids(subject_id=subject_id),
        "replaced": replaced,
        "retracted_ids": {pk for pk, kind in replaced.items() if kind == RETRACTION_KIND},
    }


def reviewer_company_id(dispute: FactDispute) -> int | None:
    """The partner company whose staff review this dispute (None: only risk officers do)."""
    link = SourcePartner.objects.filter(source_id=dispute.fact.source_id).first()
    return link.partner_id if link else None


def review_queue(*, user, overdue: bool = False, status: str = DisputeStatus.OPEN) -> QuerySet[FactDispute]:
    """The disputes `user` may decide: every one for risk officers, their sources' for partner reviewers."""
    qs = FactDispute.objects.select_related("fact", "fact__source", "subject")
    if not is_risk_officer(user):
        qs = qs.filter(fact__source_id__in=reviewed_source_ids(user))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=DisputeStatus.OPEN, due_at__lt=timezone.now())
    return qs.order_by("due_at", "id")


def overdue() -> QuerySet[FactDispute]:
    """Open disputes past their review deadline (operators watch these)."""
    return FactDispute.objects.filter(status=DisputeStatus.OPEN, due_at__lt=timezone.now())


def disputable_facts(*, subject_id: int) -> QuerySet[Fact]:
    """The facts a company may contest: those its index can see today (not superseded, not a retraction)."""
    return (
        Fact.objects.visible(timezone.now())
        .filter(subject_id=subject_id)
        .exclude(kind=RETRACTION_KIND)
        .select_related("source")
    )


def replaced_facts(*, subject_id: int) -> dict[int, str]:
    """The subject's facts that a later fact superseded: id → the superseding fact's kind (a retraction
    or a correction). They stay on file and no longer count from the moment the later fact was known."""
    return dict(
        Fact.objects.filter(subject_id=subject_id, supersedes__isnull=False).values_list(
            "supersedes_id", "kind"
        )
    )


def suggested_correction(dispute: FactDispute) -> tuple[str, dict[str, Any]]:
    """The correcting fact a reviewer starts from when upholding `dispute`: (kind, payload).

    "Already paid" on a late payment becomes the payment as it happened — an `invoice_paid` paid on its due
    date (the reviewer sets the real dates); otherwise the disputed fact's own kind and content, to edit.
    A "not ours" dispute is upheld by `dispute_retract`, which needs no content.
    """
    fact = dispute.fact
    if dispute.ground == DisputeGround.ALREADY_PAID and fact.kind == "payment_late":
        payload = fact.payload
        due = (fact.occurred_at - dt.timedelta(days=int(payload.get("days_late", 0)))).date().isoformat()
        paid = {k: payload[k] for k in ("amount", "currency", "invoice") if k in payload}
        return "invoice_paid", {**paid, "due_date": due, "paid_date": due}
    return fact.kind, dict(fact.payload)


# -- evidence -------------------------------------------------------------------------------------


def check_evidence(upload) -> str:
    """The MIME type of an evidence file judged by its bytes (PDF, PNG or JPEG, at most 10 MB)."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError(_("Attach a PDF, PNG or JPEG file (judged by its content, not its name)."))
    return kind.mime


def _store_evidence(dispute: FactDispute, upload, user) -> DisputeEvidence:
    mime = check_evidence(upload)
    if dispute.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError(_("A dispute holds at most %(n)d files.") % {"n": MAX_EVIDENCE_FILES})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = DisputeEvidence(
        dispute=dispute,
        original_name=str(upload.name)[-255:],
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    evidence.file.save(f"evidence.{EVIDENCE_TYPES[mime]}", upload, save=False)
    evidence.save()
    _log(
        dispute,
        "evidence_added",
        user,
        evidence=evidence.pk,
        name=evidence.original_name,
        sha256=evidence.sha256,
    )
    return evidence


# -- changing -------------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(*, fact: Fact, by_user, ground: str, statement: str, evidence=()) -> FactDispute:
    """A company member contests one fact about the company; the review is due in `review_days()` days."""
    if not is_member(by_user, fact.subject_id):
        raise PermissionDenied
    if ground not in DisputeGround.values:
        raise ValidationError({"ground": _("Choose why the fact is wrong.")})
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Say why the fact is wrong.")})
    if not disputable_facts(subject_id=fact.subject_id).filter(pk=fact.pk).exists():
        raise ValidationError(_("This fact has been corrected already; dispute the correction instead."))
    if FactDispute.objects.select_for_update().filter(fact=fact, status=DisputeStatus.OPEN).exists():
        raise ValidationError(_("This fact is already under review."))
    now = timezone.now()
    dispute = FactDispute.objects.create(
        fact=fact,
        subject_id=fact.subject_id,
        ground=ground,
        statement=statement,
        opened_by=by_user,
        opened_at=now,
        due_at=now + dt.timedelta(days=review_days()),
    )
    _log(dispute, "opened", by_user, fact=fact.pk, ground=ground, due_at=dispute.due_at)
    for upload in evidence:
        _store_evidence(dispute, upload, by_user)
    _after_commit(dispute, "opened")
    return dispute


def _locked(dispute: FactDispute, event: str) -> FactDispute:
    locked = FactDispute.objects.select_for_update().select_related("fact", "fact__source").get(pk=dispute.pk)
    if locked.status not in TRANSITIONS[event]:
        raise ValidationError(
            _("This dispute is %(status)s; it cannot be changed any more.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def evidence_add(*, dispute: FactDispute, by_user, upload) -> DisputeEvidence:
    """Another file for an open dispute, from the company's members."""
    if not is_member(by_user, dispute.subject_id):
        raise PermissionDenied
    dispute = _locked(dispute, "withdraw")  # evidence is taken while the dispute is open
    return _store_evidence(dispute, upload, by_user)


@transaction.atomic
def dispute_withdraw(*, dispute: FactDispute, by_user) -> FactDispute:
    if not is_member(by_user, dispute.subject_id):
        raise PermissionDenied
    dispute = _locked(dispute, "withdraw")
    dispute.status = TRANSITIONS["withdraw"][dispute.status]
    dispute.decided_at = timezone.now()
    dispute.save(update_fields=["status", "decided_at"])
    _log(dispute, "withdrawn", by_user)
    _after_commit(dispute, "withdrawn")
    return dispute


@transaction.atomic
def dispute_reject(*, dispute: FactDispute, by_user, reason: str) -> FactDispute:
    """The fact stands; the reviewer says why."""
    if not can_decide(by_user, dispute):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A rejection needs a reason.")})
    dispute = _locked(dispute, "reject")
    dispute.status = TRANSITIONS["reject"][dispute.status]
    dispute.decided_by, dispute.decided_at, dispute.decision_reason = by_user, timezone.now(), reason
    dispute.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _log(dispute, "rejected", by_user, reason=reason)
    _after_commit(dispute, "rejected")
    return dispute


def _uphold(
    dispute: FactDispute, *, by_user, event: str, kind: str, payload: Mapping[str, Any], reason: str
) -> FactDispute:
    dispute = _locked(dispute, event)
    fact = dispute.fact
    correction, _created = facts.record(
        source=fact.source,
        kind=kind,
        subject=dispute.subject,
        payload=payload,
        occurred_at=fact.occurred_at,
        external_ref=f"dispute-{dispute.pk}-correction",
        supersedes=fact,
    )
    dispute.status = TRANSITIONS[event][dispute.status]
    dispute.decided_by, dispute.decided_at, dispute.decision_reason = by_user, timezone.now(), reason
    dispute.correction = correction
    dispute.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "correction"])
    action = "retracted" if event == "retract" else "corrected"
    _log(dispute, action, by_user, reason=reason, correction=correction.pk, kind=kind, payload=dict(payload))
    _after_commit(dispute, action)
    return dispute


@transaction.atomic
def dispute_correct(
    *, dispute: FactDispute, by_user, kind: str, payload: Mapping[str, Any], reason: str
) -> FactDispute:
    """The fact was wrong: a new fact from the same source supersedes it (the old one stays, hidden)."""
    if not can_decide(by_user, dispute):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what was wrong and what the correction changes.")})
    if kind == RETRACTION_KIND:
        return dispute_retract(dispute=dispute, by_user=by_user, reason=reason)
    return _uphold(dispute, by_user=by_user, event="correct", kind=kind, payload=payload, reason=reason)


@transaction.atomic
def dispute_retract(*, dispute: FactDispute, by_user, reason: str) -> FactDispute:
    """The fact is not about this company (a "not ours" dispute upheld): its source takes it back.

    A `fact_retracted` fact from the same source supersedes it; the disputed fact stays on file, and from the
    moment the retraction is known no feature counts it (point in time: an index as of an earlier date still
    saw it). Nothing replaces it, unlike a correction."""
    if not can_decide(by_user, dispute):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the fact is not about this company.")})
    payload = {"ground": "not_ours", "retracted_kind": dispute.fact.kind, "note": reason[:500]}
    return _uphold(
        dispute, by_user=by_user, event="retract", kind=RETRACTION_KIND, payload=payload, reason=reason
    )

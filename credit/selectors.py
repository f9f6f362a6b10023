"""Reads for credit's own pages, and for the marketplace pages that show grades (see `credit.PUBLIC_API`)."""

from collections import defaultdict

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from credit.grading import ALL_GRADE_CODES, UNRATED, grade_label
from credit.models import Assessment, Fact, ImportBatch, RejectedRow


def batch_list(*, source_code: str = "") -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("source", "created_by", "api_token")
    if source_code:
        batches = batches.filter(source__code=source_code)
    return batches.order_by("-started_at", "-id")


def batch_rejected_rows(*, batch: ImportBatch) -> QuerySet[RejectedRow]:
    return batch.rejected_rows.order_by("line", "id")


def latest_assessment_ids():
    """Ids of each subject's newest assessment (assessments are written in time order)."""
    return Assessment.objects.order_by().values("subject_id").annotate(last=Max("id")).values("last")


def grade_distribution() -> list[dict]:
    """How many subjects hold each grade now, best grade first, then "NR" (not yet rated) last.

    Each row: grade code, its label, count, share of all assessed subjects, and `unrated`.
    """
    counts = dict(
        Assessment.objects.filter(id__in=latest_assessment_ids())
        .order_by()
        .values_list("grade")
        .annotate(n=Count("id"))
    )
    total = sum(counts.values()) or 1
    return [
        {
            "grade": g,
            "label": grade_label(g),
            "count": counts.get(g, 0),
            "share": counts.get(g, 0) / total,
            "unrated": g == UNRATED,
        }
        for g in ALL_GRADE_CODES
    ]


def weakest(*, limit: int = 15) -> QuerySet[Assessment]:
    """The rated subjects with the lowest current index (thin files, grade "NR", are not rated)."""
    return (
        Assessment.objects.filter(id__in=latest_assessment_ids())
        .exclude(grade=UNRATED)
        .select_related("subject", "model_version")
        .order_by("index", "id")[:limit]
    )


def facts_by_source(*, subject_id: int, limit: int = 300) -> list[dict]:
    """The subject's newest facts grouped by source, each with its provenance."""
    rows = (
        Fact.objects.filter(subject_id=subject_id)
        .select_related("source", "batch", "api_token")
        .order_by("-known_at", "-id")[:limit]
    )
    groups: dict[int, dict] = defaultdict(lambda: {"source": None, "facts": []})
    for fact in rows:
        group = groups[fact.source_id]
        group["source"] = fact.source
        group["facts"].append(fact)
    return sorted(groups.values(), key=lambda g: g["source"].name)


def with_current_grade(subjects: QuerySet) -> QuerySet:
    """Annotate each subject with `credit_grade`, its current grade: a band's code, "NR" for a thin
    file (show "Not yet rated — not enough data", `credit/includes/grade_badge.html`), None if never scored."""
    latest = Assessment.objects.filter(subject=OuterRef("pk")).order_by("-as_of", "-id").values("grade")[:1]
    return subjects.annotate(credit_grade=Subquery(latest))

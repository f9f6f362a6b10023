"""The credit part of the demo world, called by `manage.py seed_demo` (marketplace/demo).

Three years of simulated facts for the subjects it is given, a trained XGBoost model if the
outcomes allow (promoted when it passes the registry's checks), and an assessment for every subject
not scored yet. Deterministic through `seed`; idempotent (the simulation skips subjects it already
simulated, training runs only while no XGBoost version on today's model inputs exists, only
unscored subjects are scored). When the model inputs changed (e.g. the missing indicators and the
identity features of credit/MISSING_DATA.md), a demo world seeded before gets a model retrained on
them, and every subject is scored again by it.

Imports nothing from marketplace: the subjects come in as a queryset of CREDIT_SUBJECT_MODEL rows and
the output goes through the callables given.
"""

import datetime as dt
import time
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from credit.features import FEATURE_NAMES
from credit.index import champion, recompute
from credit.models import ModelVersion
from credit.pipeline import TrainingConfig
from credit.registry import promote, version_from_run
from credit.simulation import simulate_history
from credit.training import NotEnoughOutcomes, train


def _quiet(*_args, **_kwargs) -> None:
    pass


def _has_current_model() -> bool:
    """Is there an XGBoost version trained on today's model inputs?"""
    names = list(FEATURE_NAMES)
    return any(
        list(v) == names
        for v in ModelVersion.objects.filter(kind=ModelVersion.Kind.XGBOOST).values_list(
            "feature_names", flat=True
        )
    )


def seed_credit(
    subjects: QuerySet,
    *,
    seed: int,
    today: dt.datetime,
    say: Callable[[str], None] = _quiet,
    stage: Callable[..., None] = _quiet,
    progress: Callable[[str, int, int], None] = _quiet,
    own_history: Iterable[int] = (),
) -> dict[str, int]:
    """History, model and index for `subjects` (ordered); returns the facts and assessments added.

    Subjects whose ids are in `own_history` already have the history the caller recorded for them (the
    demo's protagonist, marketplace/companies/demo_history.py): they are not simulated, but trained on
    and scored like the rest."""
    started = time.monotonic()
    result = simulate_history(subjects.exclude(pk__in=list(own_history)), seed=seed, years=3, today=today)
    stage("credit history", started, facts_new=result.facts, companies_skipped=result.skipped)

    started = time.monotonic()
    rescore = False
    if not _has_current_model():
        try:
            # A smaller search than the commands' 12 settings keeps `seed_demo` quick (bench/README.md,
            # "Credit model on public data"); the operator's `train_credit_model` does the full one.
            run = train(config=TrainingConfig(seed=seed, search_candidates=4))
        except NotEnoughOutcomes as exc:
            say(f"credit model     {exc}")
        else:
            version = version_from_run(run=run)
            stale = list(champion().feature_names) != list(FEATURE_NAMES)
            try:
                promote(
                    version=version,
                    force=stale,
                    reason="The champion was built on other model inputs." if stale else "",
                )
            except ValidationError as exc:
                say(f"credit model     v{version.version} stays a challenger: {' '.join(exc.messages)}")
            else:
                rescore = stale
            stage("credit model", started, version=version.version, rows=version.n_rows, bad=version.n_bad)

    started = time.monotonic()
    if rescore:
        unscored = list(subjects.values_list("pk", flat=True))
    else:
        unscored = list(subjects.filter(credit_assessments__isnull=True).values_list("pk", flat=True))
    if unscored:
        recompute(subject_ids=unscored, progress=lambda done, total: progress("scoring", done, total))
    stage("credit index", started, assessments_new=len(unscored), model=champion().version)
    return {"credit facts": result.facts, "credit assessments": len(unscored)}

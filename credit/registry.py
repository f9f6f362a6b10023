"""The model registry: the champion in service, a training run stored as a version, promotion.

`champion()` is the model the index scores with; at cold start (no champion yet) it installs the
expert scorecard. The index imports the registry, never the other way round.

Promotion rule: a challenger replaces the champion only if its cross-validated AUC is no more than
`AUC_TOLERANCE` below the champion's and its Brier score no more than `BRIER_TOLERANCE` above it.
When the champion is the expert scorecard (which is not trained), the comparison uses the
scorecard's metrics on the challenger's own training rows, stored with the challenger. A risk
officer may force a promotion the rule refuses, with a written reason; who and why are kept.
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.features import FEATURE_NAMES, monotone_constraints
from credit.models import ModelVersion
from credit.pipeline import metrics as score_metrics
from credit.pipeline import model_fingerprint
from credit.scorecard import Scorecard
from credit.signals import model_promoted
from credit.training import TrainingRun

AUC_TOLERANCE = 0.01
BRIER_TOLERANCE = 0.005


def next_version_number() -> int:
    return (ModelVersion.objects.aggregate(v=Max("version"))["v"] or 0) + 1


def champion() -> ModelVersion:
    """The model in service; the expert scorecard becomes champion when there is none."""
    # The artifact (hundreds of KB) is read only when a process first loads the model (`scorer_for`).
    version = ModelVersion.objects.filter(status=ModelVersion.Status.CHAMPION).defer("artifact").first()
    return version or _install_scorecard()


@transaction.atomic
def _install_scorecard() -> ModelVersion:
    existing = ModelVersion.objects.select_for_update().filter(status=ModelVersion.Status.CHAMPION).first()
    if existing:
        return existing
    scorecard = Scorecard(list(FEATURE_NAMES))
    return ModelVersion.objects.create(
        version=next_version_number(),
        kind=ModelVersion.Kind.SCORECARD,
        status=ModelVersion.Status.CHAMPION,
        feature_names=list(FEATURE_NAMES),
        monotone=list(monotone_constraints()),
        params={"base": scorecard.base, "rules": scorecard.describe()},
        promoted_at=timezone.now(),
        promotion_reason="Cold start: expert scorecard until enough outcomes exist to train.",
    )


@transaction.atomic
def version_from_run(*, run: TrainingRun, by_user=None) -> ModelVersion:
    """Store a training run as a challenger version."""
    champion()  # at cold start the scorecard is installed first, so it is the older version
    scorecard = Scorecard(run.data.feature_names)
    baseline = score_metrics(run.data.y, scorecard.predict_proba(run.data.X))
    cv = run.cv
    return ModelVersion.objects.create(
        version=next_version_number(),
        kind=ModelVersion.Kind.XGBOOST,
        status=ModelVersion.Status.CHALLENGER,
        artifact=run.model.artifact(),
        calibration={"a": run.model.calibrator.a, "b": run.model.calibrator.b},
        feature_names=run.data.feature_names,
        monotone=list(run.model.monotone),
        params=run.config.as_dict(),
        best_rounds=run.model.best_rounds,
        window_start=run.data.window[0],
        window_end=run.data.window[1],
        n_rows=len(run.data.y),
        n_bad=run.data.n_bad,
        data_fingerprint=run.fingerprint,
        model_fingerprint=model_fingerprint(run.model),
        metrics={
            "summary": cv.summary(),
            "folds": [vars(f) for f in cv.folds],
            "calibration": cv.calibration,
            "scorecard_on_same_rows": baseline,
        },
        trained_by=by_user,
    )


def _comparable(challenger: ModelVersion, champion: ModelVersion) -> dict[str, float]:
    """The champion's AUC and Brier to hold the challenger against."""
    if champion.kind == ModelVersion.Kind.SCORECARD:
        base = challenger.metrics.get("scorecard_on_same_rows", {})
        return {"auc": base.get("auc", math.nan), "brier": base.get("brier", math.nan)}
    summary = champion.cv_summary
    return {"auc": summary["auc"]["mean"], "brier": summary["brier"]["mean"]}


def promotion_check(challenger: ModelVersion, champion: ModelVersion) -> list[str]:
    """Why the rule refuses this promotion (empty: it allows it)."""
    if challenger.kind == ModelVersion.Kind.SCORECARD:
        return []
    ours = challenger.cv_summary
    theirs = _comparable(challenger, champion)
    problems = []
    if not math.isnan(theirs["auc"]) and ours["auc"]["mean"] < theirs["auc"] - AUC_TOLERANCE:
        problems.append(
            _("AUC %(ours).4f is more than %(tol).2f below the champion's %(theirs).4f.")
            % {"ours": ours["auc"]["mean"], "tol": AUC_TOLERANCE, "theirs": theirs["auc"]}
        )
    if not math.isnan(theirs["brier"]) and ours["brier"]["mean"] > theirs["brier"] + BRIER_TOLERANCE:
        problems.append(
            _("Brier score %(ours).4f is more than %(tol).3f above the champion's %(theirs).4f.")
            % {"ours": ours["brier"]["mean"], "tol": BRIER_TOLERANCE, "theirs": theirs["brier"]}
        )
    return problems


@transaction.atomic
def promote(*, version: ModelVersion, by_user=None, force: bool = False, reason: str = "") -> ModelVersion:
    """Make `version` the champion. `by_user` must be a risk officer (None: a command run by an operator)."""
    if by_user is not None and not getattr(by_user, "is_risk_officer", False):
        raise PermissionDenied
    version = ModelVersion.objects.select_for_update().get(pk=version.pk)
    serving = champion()
    if version.pk == serving.pk:
        raise ValidationError(_("Version %(v)d is already the champion.") % {"v": version.version})
    problems = promotion_check(version, serving)
    reason = reason.strip()
    if problems and not force:
        raise ValidationError(problems)
    if force and problems and not reason:
        raise ValidationError(_("A forced promotion needs a reason."))
    ModelVersion.objects.filter(pk=serving.pk).update(status=ModelVersion.Status.RETIRED)
    version.status = ModelVersion.Status.CHAMPION
    version.promoted_by = by_user
    version.promoted_at = timezone.now()
    version.promotion_reason = reason or _("Within tolerance of the champion's metrics.")
    version.save(update_fields=["status", "promoted_by", "promoted_at", "promotion_reason"])
    transaction.on_commit(lambda: model_promoted.send(sender=ModelVersion, version=version))
    return version

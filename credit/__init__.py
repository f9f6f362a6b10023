"""The credit engine: scores subjects (settings.CREDIT_SUBJECT_MODEL); imports nothing from marketplace.

Marketplace code talks to credit through this public API only; every other module and name is
credit's own and may change without notice. `tests/test_architecture.py` reads marketplace's
imports and fails on any name of credit that is not listed here.

What the trade side uses (`PUBLIC_API`):

- `facts.record(...)`: append one fact (a trade, insurance or participation event, a partner's row);
  idempotent by (source, external ref). `facts.retract(source=..., external_ref=..., ground=...)`: a
  source takes back one of its own facts (it counts nowhere from then on). `facts.partner_source(partner, source_type=...)`: a partner
  company's own source (an insurer's limits and claims), linked to it, created on first use.
- `index.current(subject)`: the subject's latest assessment (index 0–1000, grade, probability of
  default, five subscores, reasons, model version), scoring it first if it was never scored.
- What the credit pages on the marketplace side need:
  - `index.explain(assessment)`: the assessment as people read it (labelled subscores, reasons in
    the active language, grade label); `index.history(subject_id)`: its assessments in time order;
  - `grading.GRADES`: the grade scale (code, low, high), for drawing the bands of a chart;
  - `selectors.with_current_grade(queryset)`: each subject annotated with `credit_grade`;
    `selectors.grade_distribution()` and `selectors.weakest()`: the risk officers' start page;
  - the template `credit/includes/assessment.html` and the URL names under `credit:`.
- `gating.decide(subject, action, amount, currency, counterparty=None, *, term_days=None, reference="",
  lock=False) -> gating.Decision`: may this buyer be offered these payment terms (one of
  `gating.PAYMENT_TERMS`; `gating.DEFERRED_TERMS` count in exposure), and why; `gating.term_label(code)`
  names a term. Overrides are made on the pages `credit:gating_override_create` (prefilled from the
  query parameters subject, action, amount, currency, term_days, reference) and `credit:gating_override_list`.
- `recourse.suggest(subject)`: what the company could do to reach the next grade, each option
  re-scored by the champion (the company's own credit page shows it, `credit/includes/recourse.html`).
- `disputes.for_subject(subject=...)`, `disputes.reviewer_company_id(dispute)` and the signal
  `signals.dispute_changed` (dispute, action): the company's disputes of facts behind its index, and
  who to notify when one opens or is decided (the template `credit/disputes/includes/company_disputes.html`).

What the demo seeder uses besides (`DEMO_API`, allowed only in demo code): simulated history,
training a model, storing and promoting it, and scoring every subject.
"""

# Module → the names in it that marketplace may import. `tests/test_architecture.py` enforces it.
PUBLIC_API: dict[str, tuple[str, ...]] = {
    "credit.facts": ("record", "retract", "partner_source"),
    "credit.index": ("current", "explain", "history"),
    "credit.grading": ("GRADES",),
    "credit.selectors": ("with_current_grade", "grade_distribution", "weakest"),
    "credit.gating": (
        "decide",
        "Decision",
        "PAYMENT_TERMS",
        "DEFERRED_TERMS",
        "term_label",
        "policy_saved",
        "override_changed",
    ),
    # What would raise a company's grade (its own credit page), and its fact disputes.
    "credit.recourse": ("suggest",),
    "credit.disputes": ("for_subject", "reviewer_company_id"),
    "credit.signals": ("dispute_changed",),
}

# The training API, for `seed_demo` only: three years of simulated facts, a model, every index.
DEMO_API: dict[str, tuple[str, ...]] = {
    "credit.simulation": ("simulate_history", "KNOWN_LAG", "demo_sources"),
    "credit.kinds": ("SourceType",),
    "credit.pipeline": ("TrainingConfig",),
    "credit.training": ("train", "NotEnoughOutcomes"),
    "credit.registry": ("version_from_run", "promote", "champion"),
    "credit.index": ("recompute", "champion"),
    "credit.models": ("ModelVersion",),
    "credit.demo": ("seed_credit",),
}

__all__ = ["DEMO_API", "PUBLIC_API"]

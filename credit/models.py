"""Credit data: sources and their API tokens, import batches, rejected rows, and the append-only facts."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from credit.kinds import KINDS, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, SourceType, validate_currency


class Source(models.Model):
    """Where facts come from: the platform itself or a data partner (a bank, an insurer, a chamber...).

    A source has one source type; the kind registry says which types may send which kinds, so a bank
    source (and every token it holds) cannot write insurance facts.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source_type = models.CharField(_("source type"), max_length=20, choices=SourceType.choices)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self):
        return f"{self.name} ({self.get_source_type_display()})"

    def may_write(self, kind_code: str) -> bool:
        kind = KINDS.get(kind_code)
        return bool(kind and self.source_type in kind.source_types)


class ApiToken(models.Model):
    """A partner's API key: only its SHA-256 is stored; the raw token is shown once, when created."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the partner uses it for."))
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.source.code})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.source.is_active


class BatchChannel(models.TextChoices):
    COMMAND = "command", _("Import command")
    UPLOAD = "upload", _("Operator upload")
    API = "api", _("Partner API")


class BatchStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One delivery of facts (a file, an upload or an API request) with its counts and rejected rows."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="batches"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=BatchChannel.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    fingerprint = models.CharField(
        _("fingerprint"), max_length=64, blank=True, db_index=True, help_text=_("SHA-256 of the file.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    api_token = models.ForeignKey(
        ApiToken,
        verbose_name=_("API token"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("duplicates"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"#{self.pk} {self.file_name or self.get_channel_display()} ({self.source.code})"


class RejectedRow(models.Model):
    """A row of a batch that failed validation, kept with its raw content so nothing sent is lost."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejected_rows")
    line = models.PositiveIntegerField(_("line"))
    field = models.CharField(_("field"), max_length=100, blank=True)
    reason = models.TextField(_("reason"))
    raw = models.JSONField(_("raw row"), default=dict)

    class Meta:
        ordering = ["batch", "line", "id"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")

    def __str__(self):
        return f"line {self.line}: {self.field} — {self.reason}"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a fact: corrections are new facts that supersede."""


class FactQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("facts are append-only; record a correcting fact instead")

    def delete(self):
        raise AppendOnlyError("facts are append-only; record a correcting fact instead")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("facts are append-only; record a correcting fact instead")

    def visible(self, as_of):
        """Facts that had happened and were known at `as_of`, minus those a correction known by then replaced."""
        # `supersedes__isnull=False` lets the planner hash only the few corrections, not every fact.
        corrections = Fact.objects.filter(
            supersedes__isnull=False, supersedes=models.OuterRef("pk"), known_at__lte=as_of
        )
        return self.filter(occurred_at__lte=as_of, known_at__lte=as_of).filter(~models.Exists(corrections))


class Fact(models.Model):
    """One dated observation about a subject from one source; never changed, only superseded.

    `occurred_at` is when it happened, `known_at` when TrustFair learned it; features read only
    facts with both on or before the as-of date. `amount`/`currency`/`metric` are copies of payload
    values made at write time so features aggregate in SQL.
    """

    # No single-column indexes on source and subject: the unique (source, external_ref) and the
    # (subject, kind, occurred_at) indexes cover those lookups, and every index slows bulk loads.
    # The provenance links get partial indexes (Meta.indexes) for the same reason.
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="facts", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.ForeignKey(
        settings.CREDIT_SUBJECT_MODEL,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    payload = models.JSONField(_("payload"), default=dict)
    occurred_at = models.DateTimeField(_("occurred"))
    known_at = models.DateTimeField(_("known"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    external_ref = models.CharField(_("external reference"), max_length=200)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facts",
        db_index=False,
    )
    api_token = models.ForeignKey(
        ApiToken,
        verbose_name=_("API token"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facts",
        db_index=False,
    )
    platform_event = models.CharField(_("platform event"), max_length=200, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    amount = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True
    )
    currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    metric = models.FloatField(null=True, blank=True)

    objects = FactQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_ref"], name="credit_fact_unique_source_ref")
        ]
        # Provenance links are NULL for most facts; partial indexes cost nothing for those rows.
        indexes = [
            models.Index(fields=["subject", "kind", "occurred_at"], name="credit_fact_subject_kind"),
            models.Index(fields=["batch"], condition=Q(batch__isnull=False), name="credit_fact_batch"),
            models.Index(
                fields=["api_token"], condition=Q(api_token__isnull=False), name="credit_fact_api_token"
            ),
            models.Index(
                fields=["supersedes"], condition=Q(supersedes__isnull=False), name="credit_fact_supersedes"
            ),
        ]
        # Read-only everywhere: no change or delete permission exists to grant.
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.kind} — subject {self.subject_id} @ {self.occurred_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("facts are append-only; record a correcting fact instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("facts are append-only; record a correcting fact instead")

    @property
    def kind_info(self):
        return KINDS.get(self.kind)

    @property
    def kind_name(self) -> str:
        kind = self.kind_info
        return kind.name if kind else self.kind


# ---------------------------------------------------------------------------------------------
# The index: model versions (the registry) and assessments.


class ModelVersion(models.Model):
    """One scoring model: a trained XGBoost booster or the expert scorecard, with how it was made."""

    class Kind(models.TextChoices):
        XGBOOST = "xgboost", _("XGBoost model")
        SCORECARD = "scorecard", _("Expert scorecard")

    class Status(models.TextChoices):
        CHALLENGER = "challenger", _("Challenger")
        CHAMPION = "champion", _("Champion")
        RETIRED = "retired", _("Retired")

    version = models.PositiveIntegerField(_("version"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CHALLENGER)
    artifact = models.BinaryField(_("artifact (XGBoost UBJSON)"), blank=True, default=b"")
    calibration = models.JSONField(_("calibration"), default=dict, blank=True)
    feature_names = models.JSONField(_("features"), default=list)
    monotone = models.JSONField(_("monotone constraints"), default=list)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    best_rounds = models.PositiveIntegerField(_("boosting rounds"), default=0)
    window_start = models.DateField(_("first as-of date"), null=True, blank=True)
    window_end = models.DateField(_("last as-of date"), null=True, blank=True)
    n_rows = models.PositiveIntegerField(_("training rows"), default=0)
    n_bad = models.PositiveIntegerField(_("bad outcomes"), default=0)
    data_fingerprint = models.CharField(_("data fingerprint"), max_length=64, blank=True)
    model_fingerprint = models.CharField(_("model fingerprint"), max_length=64, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trained_at = models.DateTimeField(_("trained"), default=timezone.now)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField(_("promoted"), null=True, blank=True)
    promotion_reason = models.TextField(_("reason for promotion"), blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("model version")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="champion"), name="credit_one_champion"
            )
        ]

    def __str__(self):
        return f"v{self.version} {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def cv_summary(self) -> dict:
        return self.metrics.get("summary", {})


class Assessment(models.Model):
    """A subject's credit index at one moment, with what it was made of; history is kept."""

    subject = models.ForeignKey(
        settings.CREDIT_SUBJECT_MODEL,
        on_delete=models.CASCADE,
        related_name="credit_assessments",
        db_index=False,
    )
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="assessments")
    as_of = models.DateTimeField(_("as of"))
    index = models.PositiveSmallIntegerField(_("credit index"))
    grade = models.CharField(_("grade"), max_length=4)
    probability = models.FloatField(_("probability of default (12 months)"))
    subscores = models.JSONField(_("subscores"), default=dict)
    reasons = models.JSONField(_("reasons"), default=list)
    features = models.JSONField(_("features"), default=dict)
    facts_fingerprint = models.CharField(_("facts fingerprint"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("credit assessment")
        indexes = [models.Index(fields=["subject", "-as_of", "-id"], name="credit_assessment_latest")]

    def __str__(self):
        return f"{self.subject_id}: {self.index} {self.grade} ({self.as_of:%Y-%m-%d})"


# --- gating (G) ---
# The gating policy (which payment terms, credit limit and longest term each grade may be offered
# without security), kept as immutable versions, and risk officers' overrides of one refusal.
# The rules that read them are in credit/gating.py.


class PaymentTerm(models.TextChoices):
    """The payment terms a deal may carry (the same codes as the deals' offers)."""

    PREPAYMENT = "prepayment", _("Prepayment")
    DEPOSIT_BALANCE = "deposit_balance", _("Deposit, balance against documents")
    LC_SIGHT = "lc_sight", _("Letter of credit at sight")
    DP = "dp", _("Documents against payment (D/P)")
    DA = "da", _("Documents against acceptance (D/A)")
    OPEN_ACCOUNT = "open_account", _("Open account")


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("policy versions are immutable; save a new version")

    def delete(self):
        raise AppendOnlyError("policy versions are immutable; save a new version")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("policy versions are immutable; save a new version")


class ImmutableRow(models.Model):
    """A row written once: saving it again or deleting it raises (history is kept, never rewritten)."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} rows are immutable; save a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} rows are immutable; save a new version")


class GatingPolicy(ImmutableRow):
    """One version of the gating policy: who saved it, when and why; the newest version is in force."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    base_currency = models.CharField(
        _("base currency"), max_length=3, default="USD", validators=[validate_currency]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    reason = models.TextField(_("reason for the change"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("gating policy")
        verbose_name_plural = _("gating policies")

    def __str__(self):
        return f"v{self.version} ({self.base_currency})"


class GatingRule(ImmutableRow):
    """One grade's row of a policy version: the terms allowed without security, limit, longest term."""

    policy = models.ForeignKey(GatingPolicy, on_delete=models.PROTECT, related_name="rules")
    grade = models.CharField(_("grade"), max_length=4)
    allowed_terms = models.JSONField(_("payment terms allowed without security"), default=list)
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    max_term_days = models.PositiveIntegerField(_("longest term (days)"))

    class Meta:
        ordering = ["policy", "id"]
        verbose_name = _("gating rule")
        constraints = [models.UniqueConstraint(fields=["policy", "grade"], name="credit_gating_rule_grade")]

    def __str__(self):
        return f"{self.policy} {self.grade}"


class GatingOverride(models.Model):
    """A risk officer's permission for one refused term on one deal (its `reference`), with a reason.

    Above `CREDIT_OVERRIDE_FOUR_EYES_AMOUNT` (base currency) it waits for a second, different risk
    officer; who asked, who decided, when and why are kept on the row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting second approval")
        EFFECTIVE = "effective", _("In effect")
        REJECTED = "rejected", _("Rejected")

    reference = models.CharField(_("reference"), max_length=100, db_index=True)
    subject = models.ForeignKey(
        settings.CREDIT_SUBJECT_MODEL, on_delete=models.CASCADE, related_name="credit_overrides"
    )
    action = models.CharField(_("payment terms"), max_length=20, choices=PaymentTerm.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    term_days = models.PositiveIntegerField(_("term (days)"), null=True, blank=True)
    amount_base = models.DecimalField(
        _("amount in base currency"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    base_currency = models.CharField(_("base currency"), max_length=3, validators=[validate_currency])
    reason = models.TextField(_("reason"))
    refusal = models.JSONField(_("the refusal it overrides"), default=dict, blank=True)
    needs_second_approval = models.BooleanField(_("needs a second approval"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("gating override")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_override_amount_positive"),
            # Four eyes in the database too: whoever asked never approves their own override.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(status="rejected")
                | ~Q(decided_by=F("requested_by")),
                name="credit_override_four_eyes",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.reference} {self.action} {self.amount} {self.currency}"


# --- fact disputes (CC) ---


def _private_storage():
    # Evidence is served only through a view that checks who asks (credit/dispute_views.py).
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class SourcePartner(models.Model):
    """The partner company behind a data source (a bank, an insurer, a chamber): its staff review the
    disputes of the source's facts."""

    source = models.OneToOneField(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="partner_link"
    )
    partner = models.ForeignKey(
        settings.CREDIT_SUBJECT_MODEL,
        verbose_name=_("partner company"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("source partner")
        verbose_name_plural = _("source partners")

    def __str__(self):
        return f"{self.source.code} → {self.partner_id}"


class DisputeGround(models.TextChoices):
    WRONG = "wrong", _("The fact is wrong")
    NOT_OURS = "not_ours", _("It is not about our company")
    ALREADY_PAID = "already_paid", _("It was already paid")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Under review")
    CORRECTED = "corrected", _("Corrected")
    RETRACTED = "retracted", _("Retracted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FactDispute(models.Model):
    """A company's objection to one fact behind its credit index, and how the fact's source decided it.

    The fact itself is never touched: while open it shows as disputed; a correction is a new fact that
    supersedes it (`correction`), a rejection keeps it with the reviewer's reason.
    """

    fact = models.ForeignKey(Fact, verbose_name=_("fact"), on_delete=models.PROTECT, related_name="disputes")
    subject = models.ForeignKey(
        settings.CREDIT_SUBJECT_MODEL, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    ground = models.CharField(_("ground"), max_length=20, choices=DisputeGround.choices)
    statement = models.TextField(_("why"))
    status = models.CharField(
        _("status"), max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_at = models.DateTimeField(_("review due"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    correction = models.ForeignKey(
        Fact,
        verbose_name=_("correcting fact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("fact dispute")
        verbose_name_plural = _("fact disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["fact"], condition=Q(status="open"), name="credit_one_open_dispute_per_fact"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="credit_dispute_status_due")]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.pk} {self.fact.kind} ({self.get_status_display()})"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("disputes are kept; withdraw or decide them instead")

    @property
    def is_open(self) -> bool:
        return self.status == DisputeStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def days_left(self) -> int:
        """Days (started ones count) until the review is due; 0 once it is overdue."""
        seconds = (self.due_at - timezone.now()).total_seconds()
        return max(0, int(-(-seconds // 86400)))

    @property
    def days_overdue(self) -> int:
        """Days (started ones count) since the review was due; 0 while it is not."""
        seconds = (timezone.now() - self.due_at).total_seconds()
        return max(0, int(-(-seconds // 86400)))


class DisputeEvidence(models.Model):
    """A file a company attached to its dispute (checked by content; private to the dispute's readers)."""

    dispute = models.ForeignKey(FactDispute, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), storage=_private_storage, upload_to="credit/disputes/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("dispute evidence")
        verbose_name_plural = _("dispute evidence")
        default_permissions = ("view",)

    def __str__(self):
        return self.original_name

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("evidence is kept")


DISPUTE_EVENT_LABELS = {
    "opened": pgettext_lazy("dispute step", "opened"),
    "evidence_added": pgettext_lazy("dispute step", "evidence added"),
    "corrected": pgettext_lazy("dispute step", "corrected"),
    "retracted": pgettext_lazy("dispute step", "retracted"),
    "rejected": pgettext_lazy("dispute step", "rejected"),
    "withdrawn": pgettext_lazy("dispute step", "withdrawn"),
}


class DisputeEvent(models.Model):
    """One step of a dispute (opened, evidence added, corrected, rejected, withdrawn): its audit trail."""

    dispute = models.ForeignKey(FactDispute, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=254, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit trail is append-only")

    @property
    def label(self) -> str:
        """The step in the reader's language (the stored action is the code)."""
        return str(DISPUTE_EVENT_LABELS.get(self.action, self.action))

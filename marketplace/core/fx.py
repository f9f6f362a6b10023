"""The one dated FX-rate table: reading rates as of a date, converting money, importing the ECB's CSV.

Rates are kept in the ECB's form (`FxRate.per_eur`: units of a currency that one euro buys on a date);
a cross rate is the quotient of two of them, in `Decimal` all the way.

* **As of a date.** `rates_on(day)` takes, for each currency, its latest rate on or before `day`
  (`None`: the latest on record). A currency whose first rate is later than `day` takes that first
  rate: the table is the platform's best knowledge, and a conversion says which date it used.
* **Who uses which date.** The catalog compares prices at the latest rates (`rates_on()`), so the stored
  `min_price_usd` stays put until an operator uploads new rates, and is recomputed then (see
  `catalog.money`). Credit features convert at the rates of their own as-of date (`usd_rates(day)`),
  so a past feature does not move when today's rate does.
* **Where the rates come from.** Migration `0003_reference_fx_rates` seeds the reference rates the
  platform started with, so a fresh `migrate` converts; operators then upload the ECB reference-rate
  CSV (`eurofxref.csv`, the day's rates, or `eurofxref-hist.csv`, every day since 1999, or the zip the
  ECB serves either in) on the operator page. A wrong file is refused whole with the line at fault.
* **Cache.** Rates change only on upload, so each process keeps the tables it has read, keyed by day,
  under a cache generation that an upload bumps: other processes see the new rates within a second.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import import_module

from babel.numbers import list_currencies
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.caching import Generation
from marketplace.core.models import FxRate
from marketplace.core.money import MONEY_DECIMAL_PLACES, Money

EUR = "EUR"
RATE_PLACES = 8  # FxRate.per_eur's decimal places
RATE_STEP = Decimal(1).scaleb(-RATE_PLACES)
# Every ISO 4217 code, withdrawn ones included: the ECB's history has CYP, SIT, HRK, BGN...
ISO_4217_EVER = frozenset(list_currencies())
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the full history since 1999 is about 2 MB

# Sent after an upload commits, with `dates` (the dates the file carried) and `by_user`.
fx_rates_changed = Signal()


class NoRate(LookupError):
    """The table has no rate for a currency at all."""

    def __init__(self, currency: str):
        super().__init__(f"no exchange rate on record for {currency}")
        self.currency = currency


@dataclass(frozen=True)
class RateTable:
    """The rates in force on `day` (None: the latest on record): per currency, (units per euro, rate date)."""

    day: dt.date | None
    rates: Mapping[str, tuple[Decimal, dt.date]]

    def per_eur(self, currency: str) -> Decimal:
        if currency == EUR:
            return Decimal(1)
        try:
            return self.rates[currency][0]
        except KeyError:
            raise NoRate(currency) from None

    def dated(self, currency: str) -> dt.date | None:
        """The date of the rate used for `currency` (None for the euro, which needs none)."""
        if currency == EUR:
            return None
        try:
            return self.rates[currency][1]
        except KeyError:
            raise NoRate(currency) from None

    def rate(self, source: str, target: str) -> Decimal:
        """Units of `target` that one unit of `source` buys."""
        if source == target:
            return Decimal(1)
        return self.per_eur(target) / self.per_eur(source)

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self.rates) | {EUR}

    @property
    def latest_date(self) -> dt.date | None:
        return max((d for _r, d in self.rates.values()), default=None)


@dataclass(frozen=True)
class Conversion:
    """A converted amount and how it was got: the rate applied and the dates of the rates behind it."""

    source: Money
    result: Money
    rate: Decimal  # units of result.currency per unit of source.currency
    source_rate_date: dt.date | None  # None: the currency is the euro (or both are the same)
    target_rate_date: dt.date | None

    @property
    def rate_dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted({d for d in (self.source_rate_date, self.target_rate_date) if d is not None}))


# -- reading -----------------------------------------------------------------------------------

_generation = Generation("fx-rates")
_tables: dict[dt.date | None, RateTable] = {}
_tables_generation: list[int | None] = [None]
_MAX_TABLES = 2048  # a feature history reads one table per as-of date
# Set by an import until its transaction ends: rates read meanwhile may yet be rolled back, so they are
# not kept.
_uncommitted = [False]


def _read_table(day: dt.date | None) -> RateTable:
    rows = FxRate.objects.all() if day is None else FxRate.objects.filter(date__lte=day)
    latest = dict(rows.values("currency").annotate(last=Max("date")).values_list("currency", "last"))
    if day is not None:
        # Currencies with no rate yet on `day` take their first one.
        missing = FxRate.objects.exclude(currency__in=latest)
        latest.update(missing.values("currency").annotate(first=Min("date")).values_list("currency", "first"))
    if not latest:
        return RateTable(day, {})
    wanted = Q()
    for currency, date in latest.items():
        wanted |= Q(currency=currency, date=date)
    found = FxRate.objects.filter(wanted).values_list("currency", "per_eur", "date")
    return RateTable(day, {currency: (per_eur, date) for currency, per_eur, date in found})


def rates_on(day: dt.date | None = None) -> RateTable:
    """The rate table in force on `day` (None: the latest rates on record), from this process's cache."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if _uncommitted[0]:
        if transaction.get_connection().in_atomic_block:
            return _read_table(day)
        _uncommitted[0] = False
        _tables.clear()
    generation = _generation.value()
    if _tables_generation[0] != generation:
        _tables.clear()
        _tables_generation[0] = generation
    table = _tables.get(day)
    if table is None:
        table = _read_table(day)
        if len(_tables) >= _MAX_TABLES:
            _tables.clear()
        _tables[day] = table
    return table


def forget_rates(*, everywhere: bool = True) -> None:
    """Drop this process's tables and, `everywhere`, start a new generation so that every process does."""
    _tables.clear()
    _tables_generation[0] = None
    _uncommitted[0] = False
    if everywhere:
        _generation.bump()


def convert(
    money: Money, to: str, *, on: dt.date | None = None, places: int | None = MONEY_DECIMAL_PLACES
) -> Conversion:
    """`money` in currency `to` at the rates in force on `on` (latest if None), rounded half up to `places`.

    Raises `NoRate` when the table has no rate for one of the two currencies.
    """
    target = Money.zero(to).currency  # validates the code
    if money.currency == target:
        return Conversion(money, Money(_round(money.amount, places), target), Decimal(1), None, None)
    table = rates_on(on)
    # Multiply before dividing: one rounding, at Decimal's 28 digits.
    amount = money.amount * table.per_eur(target) / table.per_eur(money.currency)
    return Conversion(
        source=money,
        result=Money(_round(amount, places), target),
        rate=table.rate(money.currency, target),
        source_rate_date=table.dated(money.currency),
        target_rate_date=table.dated(target),
    )


def _round(amount: Decimal, places: int | None) -> Decimal:
    return amount if places is None else amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def usd_rates(on: dt.date | dt.datetime | None = None) -> dict[str, Decimal]:
    """US dollars per unit of every currency in the table, at the rates in force on `on`.

    The callable credit's `CREDIT_FX_RATES` setting names: credit converts amounts to USD with it.
    Empty when the table has no US dollar rate.
    """
    table = rates_on(on)
    try:
        usd = table.per_eur("USD")
    except NoRate:
        return {}
    return {currency: usd / table.per_eur(currency) for currency in sorted(table.currencies)}


# -- importing the ECB's CSV ------------------------------------------------------------------


class RateFileError(ValueError):
    """An uploaded rate file that cannot be imported; `line` is the line at fault (None: the whole file)."""

    def __init__(self, message, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self):
        if self.line is None:
            return str(self.message)
        return str(_("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message})


@dataclass(frozen=True)
class RateImport:
    """What an upload did: how many rates it added and changed, on how many dates, from when to when."""

    created: int
    updated: int
    unchanged: int
    dates: tuple[dt.date, ...]
    currencies: tuple[str, ...]

    @property
    def first_date(self) -> dt.date:
        return self.dates[0]

    @property
    def last_date(self) -> dt.date:
        return self.dates[-1]


def _text(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        data = _unzip(data)
    if b"\x00" in data:
        raise RateFileError(_("This is not a CSV file: it holds binary data."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RateFileError(_("This is not a CSV file: it is not UTF-8 text.")) from None


def _unzip(data: bytes) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1 or not members[0].filename.lower().endswith(".csv"):
            raise RateFileError(_("A zip file must hold exactly one CSV file, as the ECB's do."))
        if members[0].file_size > MAX_UPLOAD_BYTES:
            raise RateFileError(_("The file is too large."))
        return archive.read(members[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise RateFileError(_("This zip file cannot be read.")) from None


def _date(text: str, line: int) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RateFileError(
        _("%(value)r is not a date (expected 2026-12-01 or 01 December 2026).") % {"value": text}, line
    )


def _rate(text: str, currency: str, line: int) -> Decimal | None:
    if text in ("", "N/A"):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise RateFileError(
            _("the %(currency)s rate %(value)r is not a number.") % {"currency": currency, "value": text},
            line,
        )
    if value <= 0:
        raise RateFileError(
            _("the %(currency)s rate %(value)s is not positive.") % {"currency": currency, "value": text},
            line,
        )
    value = value.quantize(RATE_STEP, rounding=ROUND_HALF_UP)
    if value.adjusted() >= 19 - RATE_PLACES or value == 0:
        raise RateFileError(
            _("the %(currency)s rate %(value)s is out of range.") % {"currency": currency, "value": text},
            line,
        )
    return value


def parse_ecb_csv(data: bytes) -> dict[tuple[dt.date, str], Decimal]:
    """The rates in an ECB reference-rate file, by (date, currency). Raises `RateFileError` on any fault.

    Both of the ECB's layouts: a header `Date, USD, JPY, ...` (a trailing comma and spaces allowed),
    then one row per date (`01 December 2026` or `2026-12-01`); `N/A` or an empty cell is a rate the
    ECB did not publish that day.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise RateFileError(_("The file is too large."))
    text = _text(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True))
    except csv.Error as exc:
        raise RateFileError(_("This is not a CSV file (%(error)s).") % {"error": exc}) from None
    rows = [[cell.strip() for cell in row] for row in rows]
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(row)]
    if not numbered:
        raise RateFileError(_("The file is empty."))
    header_line, header = numbered[0]
    while header and header[-1] == "":
        header.pop()
    if not header or header[0].lower() != "date":
        raise RateFileError(_("the first column must be Date, as in the ECB's files."), header_line)
    currencies = header[1:]
    if not currencies:
        raise RateFileError(_("no currency columns after Date."), header_line)
    for code in currencies:
        if code not in ISO_4217_EVER:
            raise RateFileError(_("%(code)r is not an ISO 4217 currency code.") % {"code": code}, header_line)
        if code == EUR:
            raise RateFileError(_("EUR cannot have a rate: the rates are per euro."), header_line)
    if len(set(currencies)) != len(currencies):
        raise RateFileError(_("a currency appears twice in the header."), header_line)
    rates: dict[tuple[dt.date, str], Decimal] = {}
    seen_dates: set[dt.date] = set()
    for line, row in numbered[1:]:
        while len(row) > len(header) and row[-1] == "":
            row.pop()
        if len(row) != len(header):
            raise RateFileError(
                _("%(found)s cells where the header has %(expected)s.")
                % {"found": len(row), "expected": len(header)},
                line,
            )
        day = _date(row[0], line)
        if day in seen_dates:
            raise RateFileError(_("the date %(date)s appears twice.") % {"date": day.isoformat()}, line)
        seen_dates.add(day)
        for code, cell in zip(currencies, row[1:], strict=True):
            value = _rate(cell, code, line)
            if value is not None:
                rates[day, code] = value
    if not rates:
        raise RateFileError(_("The file has no rates."))
    return rates


def _insert(rows: list[FxRate]) -> None:
    """INSERT the new rows with one executemany: the ECB's history is ~200,000 rates, and building them
    through bulk_create's per-value ORM preparation took ~5x as long."""
    if not rows:
        return
    ops, meta = connection.ops, FxRate._meta
    columns = ("date", "currency", "per_eur", "source", "uploaded_by", "created_at")
    fields = [meta.get_field(name) for name in columns]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - quoted model identifiers; values are parameters
        ops.quote_name(meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    now = ops.adapt_datetimefield_value(timezone.now())
    values = [
        (
            ops.adapt_datefield_value(row.date),
            row.currency,
            ops.adapt_decimalfield_value(row.per_eur, 19, RATE_PLACES),
            row.source,
            row.uploaded_by_id,
            now,
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


@transaction.atomic
def import_ecb_csv(data: bytes, *, by_user=None, source: str = "ecb") -> RateImport:
    """Write the rates of an ECB reference-rate file (all or nothing); a rate already on record is replaced.

    Raises `RateFileError` before writing anything when the file is wrong.
    """
    rates = parse_ecb_csv(data)
    dates = sorted({day for day, _code in rates})
    in_range = FxRate.objects.select_for_update().filter(date__gte=dates[0], date__lte=dates[-1])
    existing = {
        (day, code): (pk, per_eur)
        for pk, day, code, per_eur in in_range.values_list("pk", "date", "currency", "per_eur")
    }
    new, changed, unchanged = [], [], 0
    for (day, code), per_eur in rates.items():
        row = existing.get((day, code))
        if row is None:
            new.append(FxRate(date=day, currency=code, per_eur=per_eur, source=source, uploaded_by=by_user))
        elif row[1] != per_eur:
            changed.append(
                FxRate(
                    pk=row[0], date=day, currency=code, per_eur=per_eur, source=source, uploaded_by=by_user
                )
            )
        else:
            unchanged += 1
    _insert(new)
    FxRate.objects.bulk_update(changed, ["per_eur", "source", "uploaded_by"], batch_size=2000)
    result = RateImport(
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        dates=tuple(dates),
        currencies=tuple(sorted({code for _day, code in rates})),
    )
    forget_rates()
    _uncommitted[0] = True
    transaction.on_commit(lambda: fx_rates_changed.send(sender=FxRate, dates=result.dates, by_user=by_user))
    return result


# -- reference rates after a flush ------------------------------------------------------------


def ensure_reference_rates(*, using: str = "default", apps=None, **kwargs) -> None:
    """Seed the reference rates again when the table is empty (a post_migrate step, like content types).

    Migration 0003 seeds them on `migrate`; `flush` (and the test runner's flush between transactional
    tests) empties the table and then sends post_migrate, which lands here. The values stay in the
    migration: one copy of them.
    """
    seed = import_module("marketplace.core.migrations.0003_reference_fx_rates")
    if apps is not None:
        try:
            model = apps.get_model("core", "FxRate")
        except LookupError:  # migrated back before the table existed
            return
    else:
        model = FxRate
    if model.objects.using(using).exists():
        return
    seed.write_reference_rates(model, using)
    forget_rates()

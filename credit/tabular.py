"""Reading any labelled CSV into a matrix the pipeline can train on (`manage.py credit_evaluate`)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}


class TableError(ValueError):
    """The file cannot be used as it is; the message says where and why."""


@dataclass
class LabelledTable:
    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    feature_types: list[str]  # "q" numeric, "c" categorical (codes)
    categories: dict[str, list[str]]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_labelled_csv(path: str | Path, *, target: str, drop: tuple[str, ...] = ()) -> LabelledTable:
    """Numeric columns stay numbers, text columns become categories, blanks stay missing (NaN).

    The target must be 1 for bad and 0 for good on every row.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise TableError("The file is empty.") from None
        if target not in header:
            raise TableError(f"No column named {target!r}; the columns are: {', '.join(header)}.")
        rows = []
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise TableError(f"Line {line}: {len(row)} values where the header has {len(header)}.")
            rows.append([cell.strip() for cell in row])
    if not rows:
        raise TableError("The file has a header but no rows.")
    t = header.index(target)
    y = np.empty(len(rows), dtype=int)
    for i, row in enumerate(rows):
        value = _number(row[t])
        if value not in (0.0, 1.0):
            raise TableError(
                f"Line {i + 2}: target {target!r} is {row[t]!r}; it must be 1 (bad) or 0 (good)."
            )
        y[i] = int(value)
    columns = [j for j, name in enumerate(header) if j != t and name not in drop]
    X = np.full((len(rows), len(columns)), np.nan, dtype=float)
    names, types, categories = [], [], {}
    for k, j in enumerate(columns):
        cells = [row[j] for row in rows]
        present = [c for c in cells if c.lower() not in MISSING]
        numeric = all(_number(c) is not None for c in present)
        names.append(header[j])
        if numeric:
            types.append("q")
            X[:, k] = [np.nan if c.lower() in MISSING else float(c) for c in cells]
        else:
            levels = sorted(set(present))
            code = {level: float(n) for n, level in enumerate(levels)}
            types.append("c")
            categories[header[j]] = levels
            X[:, k] = [code.get(c, np.nan) for c in cells]
    return LabelledTable(X, y, names, types, categories)

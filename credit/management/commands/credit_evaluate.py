"""Run the credit model's training pipeline on any labelled CSV and print cross-validated metrics."""

import sys
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from credit.management.training_options import add_training_arguments, training_config
from credit.pipeline import cross_validate, data_fingerprint, predictions_fingerprint
from credit.tabular import TableError, read_labelled_csv


class Command(BaseCommand):
    help = (
        "Cross-validate the credit pipeline (XGBoost, monotone constraints, a hyper-parameter search with early "
        "stopping inside each training fold, Platt calibration) on any CSV whose target column is 1 for bad "
        "and 0 for good. The last line is "
        "'AUC <mean>±<std> KS <mean>±<std> Brier <mean>±<std>'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help="the labelled CSV file")
        parser.add_argument("--target", required=True, help="the column with 1 = bad, 0 = good")
        parser.add_argument(
            "--monotone",
            action="append",
            default=[],
            metavar="COLUMN=+1|-1",
            help="a known direction: +1 if more of COLUMN never lowers risk, -1 if it never raises it",
        )
        parser.add_argument(
            "--drop", action="append", default=[], metavar="COLUMN", help="a column to leave out (ids)"
        )
        add_training_arguments(parser)

    def handle(self, *args, **options):
        try:
            table = read_labelled_csv(options["csv"], target=options["target"], drop=tuple(options["drop"]))
        except (OSError, TableError) as exc:
            raise CommandError(str(exc)) from exc
        monotone = [0] * len(table.feature_names)
        for item in options["monotone"]:
            column, _, sign = item.partition("=")
            if column not in table.feature_names:
                raise CommandError(f"--monotone names {column!r}, which is not a feature column.")
            if sign not in ("+1", "1", "-1"):
                raise CommandError(f"--monotone {item!r}: the direction must be +1 or -1.")
            k = table.feature_names.index(column)
            if table.feature_types[k] == "c":
                raise CommandError(f"--monotone {column!r}: a text (categorical) column has no direction.")
            monotone[k] = -1 if sign == "-1" else 1
        config = training_config(options)
        n_bad = int(table.y.sum())
        self.stdout.write(
            f"{len(table.y)} rows, {n_bad} bad ({n_bad / len(table.y):.1%}), {len(table.feature_names)} features "
            f"({table.feature_types.count('c')} categorical), {sum(1 for m in monotone if m)} monotone; "
            f"{config.folds}-fold CV, seed {config.seed}, "
            + (
                f"search of at most {config.search_candidates} settings in {config.inner_folds} inner folds"
                if config.search
                else "no search"
            )
        )
        started = time.monotonic()
        try:
            result = cross_validate(
                table.X,
                table.y,
                config=config,
                feature_names=table.feature_names,
                monotone=monotone,
                feature_types=table.feature_types,
                progress=lambda line: (self.stdout.write(line), sys.stdout.flush()),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        self.stdout.write("calibration (out-of-fold, Platt): bin, rows, mean predicted, observed bad rate")
        for row in result.calibration:
            self.stdout.write(
                f"  {row['bin']:>2} {row['count']:>7} {row['predicted']:.4f} {row['observed']:.4f}"
            )
        self.stdout.write("calibrators on the same inner margins, out of fold: Brier (fold std), log loss")
        for name, c in result.calibrators.items():
            std = float(np.std(c["brier_folds"], ddof=1)) if len(c["brier_folds"]) > 1 else 0.0
            self.stdout.write(f"  {name:<9} {c['brier']:.5f} (±{std:.5f}) {c['logloss']:.5f}")
        self.stdout.write(f"data fingerprint {data_fingerprint(table.X, table.y, table.feature_names)}")
        self.stdout.write(f"predictions fingerprint {predictions_fingerprint(result)}")
        self.stdout.write(f"time {seconds:.1f} s")
        self.stdout.write(result.summary_line())

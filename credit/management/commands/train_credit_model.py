"""Train the credit model from the facts and store it as a challenger version."""

import time

from django.core.management.base import BaseCommand, CommandError

from credit.management.training_options import add_training_arguments, training_config
from credit.registry import version_from_run
from credit.training import MIN_BAD_OUTCOMES, MIN_TRAINING_ROWS, NotEnoughOutcomes, train


class Command(BaseCommand):
    help = (
        "Build point-in-time training rows (features as of each quarter, outcome in the next 12 months), "
        "cross-validate XGBoost with monotone constraints and Platt calibration, fit the final model and store "
        f"it as a challenger. Needs {MIN_TRAINING_ROWS} rows and {MIN_BAD_OUTCOMES} serious delinquencies."
    )

    def add_arguments(self, parser):
        add_training_arguments(parser)
        parser.add_argument("--promote", action="store_true", help="promote it if the promotion rule allows")

    def handle(self, *args, **options):
        started = time.monotonic()
        config = training_config(options)
        try:
            run = train(config=config, progress=self.stdout.write)
        except NotEnoughOutcomes as exc:
            raise CommandError(str(exc)) from exc
        version = version_from_run(run=run)
        s = run.cv.summary()
        self.stdout.write("fold  AUC     KS      Brier   rounds  rows  bad")
        for f in run.cv.folds:
            self.stdout.write(
                f"{f.fold:>4}  {f.auc:.4f}  {f.ks:.4f}  {f.brier:.4f}  {f.rounds:>6}  {f.test_size:>4}  {f.test_bad:>3}"
            )
        self.stdout.write("calibration (out-of-fold): bin, rows, mean predicted, observed bad rate")
        for row in run.cv.calibration:
            self.stdout.write(
                f"  {row['bin']:>2} {row['count']:>6} {row['predicted']:.4f} {row['observed']:.4f}"
            )
        base = version.metrics["scorecard_on_same_rows"]
        self.stdout.write(
            f"expert scorecard on the same rows: AUC {base['auc']:.4f} KS {base['ks']:.4f} Brier {base['brier']:.4f}"
        )
        if options["promote"]:
            from django.core.exceptions import ValidationError

            from credit.registry import promote

            try:
                promote(version=version)
                self.stdout.write(f"v{version.version} promoted to champion.")
            except ValidationError as exc:
                self.stdout.write(f"v{version.version} stays a challenger: {' '.join(exc.messages)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored model v{version.version} ({version.n_rows} rows, {version.n_bad} bad, "
                f"{version.best_rounds} rounds) in {time.monotonic() - started:.1f} s: "
                f"AUC {s['auc']['mean']:.4f}±{s['auc']['std']:.4f} KS {s['ks']['mean']:.4f}±{s['ks']['std']:.4f} "
                f"Brier {s['brier']['mean']:.4f}±{s['brier']['std']:.4f}"
            )
        )

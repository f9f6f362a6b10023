"""Command-line options shared by the commands that train (`train_credit_model`, `credit_evaluate`)."""

from django.core.management.base import CommandError

from credit.pipeline import TrainingConfig


def add_training_arguments(parser) -> None:
    parser.add_argument("--folds", type=int, default=TrainingConfig.folds)
    parser.add_argument("--seed", type=int, default=TrainingConfig.seed)
    parser.add_argument(
        "--learning-rate", type=float, default=TrainingConfig.learning_rate, help="XGBoost's eta"
    )
    parser.add_argument("--max-depth", type=int, default=TrainingConfig.max_depth, help="depth of each tree")


def training_config(options: dict) -> TrainingConfig:
    """The TrainingConfig the options ask for, or a CommandError saying which option is wrong."""
    if options["folds"] < 2:
        raise CommandError("--folds must be at least 2.")
    if options["learning_rate"] <= 0 or options["max_depth"] < 1:
        raise CommandError("--learning-rate must be positive and --max-depth at least 1.")
    return TrainingConfig(
        seed=options["seed"],
        folds=options["folds"],
        learning_rate=options["learning_rate"],
        max_depth=options["max_depth"],
    )

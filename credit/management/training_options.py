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
    parser.add_argument(
        "--no-search",
        dest="search",
        action="store_false",
        help="train the given setting only, without the hyper-parameter search inside each training fold",
    )
    parser.add_argument(
        "--search-candidates",
        type=int,
        default=TrainingConfig.search_candidates,
        help="at most this many settings per search (the given one first)",
    )
    parser.add_argument(
        "--search-seconds",
        type=float,
        default=TrainingConfig.search_seconds,
        help="stop a search after the setting under way once it has run this long (a safety cap)",
    )


def training_config(options: dict) -> TrainingConfig:
    """The TrainingConfig the options ask for, or a CommandError saying which option is wrong."""
    if options["folds"] < 2:
        raise CommandError("--folds must be at least 2.")
    if options["learning_rate"] <= 0 or options["max_depth"] < 1:
        raise CommandError("--learning-rate must be positive and --max-depth at least 1.")
    if options["search_candidates"] < 1 or options["search_seconds"] <= 0:
        raise CommandError("--search-candidates must be at least 1 and --search-seconds positive.")
    return TrainingConfig(
        seed=options["seed"],
        folds=options["folds"],
        learning_rate=options["learning_rate"],
        max_depth=options["max_depth"],
        search=options["search"],
        search_candidates=options["search_candidates"],
        search_seconds=options["search_seconds"],
    )

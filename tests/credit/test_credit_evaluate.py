"""`manage.py credit_evaluate` on a small CSV made here."""

import csv
import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def credit_csv(tmp_path):
    rng = np.random.default_rng(11)
    n = 900
    income = rng.normal(50, 15, n)
    region = rng.choice(["north", "south", "east"], n)
    logit = -1.5 - 0.06 * (income - 50) + (region == "south") * 1.2
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    path = tmp_path / "loans.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "income", "region", "bad"])
        for i in range(n):
            w.writerow([i, "" if i % 13 == 0 else f"{income[i]:.1f}", region[i], y[i]])
    return path


def run(*args):
    out = io.StringIO()
    call_command("credit_evaluate", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_prints_each_fold_and_the_summary_line(credit_csv):
    lines = run(
        "--csv",
        str(credit_csv),
        "--target",
        "bad",
        "--drop",
        "id",
        "--monotone",
        "income=-1",
        "--folds",
        "3",
        "--seed",
        "1",
    )
    assert "1 categorical" in lines[0]
    assert sum(line.startswith("fold ") for line in lines) == 3
    last = lines[-1].split()
    assert last[0] == "AUC" and last[2] == "KS" and last[4] == "Brier"
    auc_mean = float(last[1].split("±")[0])
    assert 0.6 < auc_mean <= 1.0


def test_tree_settings_change_the_model(credit_csv):
    args = ("--csv", str(credit_csv), "--target", "bad", "--drop", "id", "--folds", "3")
    stumps = run(*args, "--max-depth", "1", "--learning-rate", "0.3")
    assert stumps[-1].startswith("AUC ") and stumps[-1] != run(*args)[-1]


def test_same_seed_same_output(credit_csv):
    args = ("--csv", str(credit_csv), "--target", "bad", "--drop", "id", "--folds", "3", "--seed", "5")
    assert run(*args)[-1] == run(*args)[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "missing"], "No column named 'missing'"),
        (["--target", "bad", "--monotone", "region=+1"], "has no direction"),
        (["--target", "bad", "--monotone", "income=2"], "must be +1 or -1"),
        (["--target", "income"], "must be 1 (bad) or 0 (good)"),
        (["--target", "bad", "--learning-rate", "0"], "--learning-rate must be positive"),
        (["--target", "bad", "--max-depth", "0"], "--max-depth at least 1"),
    ],
)
def test_bad_arguments_say_what_is_wrong(credit_csv, args, message):
    with pytest.raises(
        CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")
    ):
        run("--csv", str(credit_csv), *args)

"""The saved migrated test database is used only while nothing that migrating reads has changed."""

from pathlib import Path

import pytest

from tests import dbtemplate


def _relative(paths) -> set[str]:
    return {p.relative_to(dbtemplate.PROJECT_ROOT).as_posix() for p in paths}


def test_inputs_are_the_migrations_and_what_they_import():
    inputs = _relative(dbtemplate.inputs())
    assert "marketplace/catalog/migrations/0001_initial.py" in inputs
    assert "credit/migrations/0001_initial.py" in inputs
    assert "marketplace/catalog/models.py" in inputs  # a migration imports it (a default callable)
    assert not any(p.startswith("tests/") for p in inputs)


@pytest.mark.parametrize("which", ["migration", "imported module"])
def test_any_changed_input_changes_the_fingerprint(monkeypatch, which):
    inputs = dbtemplate.inputs()
    before = dbtemplate.fingerprint("sqlite")
    assert dbtemplate.fingerprint("sqlite") == before  # stable while nothing changes
    target = next(
        p
        for p in inputs
        if ("migrations" in p.parts) == (which == "migration")
        and p.suffix == ".py"
        and p.name != "__init__.py"
    )
    read = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda self: read(self) + (b"\n# edited\n" if self == target else b"")
    )
    assert dbtemplate.fingerprint("sqlite") != before


def test_a_new_package_version_changes_the_fingerprint(monkeypatch):
    before = dbtemplate.fingerprint("sqlite")
    real = dbtemplate.importlib.metadata.distributions

    def distributions():
        for dist in real():
            if (dist.metadata["Name"] or "").lower() == "django":
                yield type("Upgraded", (), {"metadata": dist.metadata, "version": dist.version + ".post1"})()
            else:
                yield dist

    monkeypatch.setattr(dbtemplate.importlib.metadata, "distributions", distributions)
    assert dbtemplate.fingerprint("sqlite") != before
    assert dbtemplate.fingerprint("postgresql") != dbtemplate.fingerprint("sqlite")


@pytest.mark.parametrize(
    ("env", "createdb", "migrations", "used"),
    [
        ({}, False, True, True),
        ({"CI": "true"}, False, True, False),
        ({"CI": "1"}, False, True, False),
        ({"CI": "false"}, False, True, True),
        ({"TRUSTFAIR_TEST_DB_TEMPLATE": "0"}, False, True, False),
        ({}, True, True, False),  # --create-db
        ({}, False, False, False),  # --nomigrations
    ],
)
def test_ci_and_explicit_rebuilds_never_use_a_template(monkeypatch, env, createdb, migrations, used):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TRUSTFAIR_TEST_DB_TEMPLATE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert dbtemplate.enabled(createdb=createdb, use_migrations=migrations) is used

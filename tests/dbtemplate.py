"""The migrated test database, built once and copied while no migration has changed.

Building the test database from migrations costs every pytest run about half a minute. Here the first
run saves the migrated database as a template and later runs copy it: on SQLite into the in-memory test
database with the sqlite3 backup API, on PostgreSQL with `CREATE DATABASE ... TEMPLATE`. The template is
named by a fingerprint of everything that decides what migrating produces:

- every file in the project's `migrations/` folders, and the project modules those migrations import
  (followed import by import), and the modules that connect to `post_migrate`;
- the name and version of every installed distribution (third-party migrations and `post_migrate`
  receivers: Django's permissions and content types, Wagtail's root page);
- the Python version, `INSTALLED_APPS`, `MIGRATION_MODULES` and the database engine.

Anything changed gives a new fingerprint, so the next run builds from migrations again. CI (`CI` set to
anything but `false`/`0`), `--create-db`, `--nomigrations` and `TRUSTFAIR_TEST_DB_TEMPLATE=0` always build
from migrations and save nothing: a migration problem can never hide behind a saved copy there.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("marketplace", "credit", "cms")
TEMPLATE_DIR = PROJECT_ROOT / "var" / "test-db"


def enabled(*, createdb: bool, use_migrations: bool) -> bool:
    """Whether this run may use (and save) a template instead of migrating from scratch."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    if os.environ.get("TRUSTFAIR_TEST_DB_TEMPLATE", "1").lower() in ("0", "false", "no"):
        return False
    return use_migrations and not createdb


# -- the fingerprint -----------------------------------------------------------------------------


def _module_file(name: str) -> Path | None:
    if name.split(".")[0] not in PROJECT_PACKAGES:
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    path = Path(spec.origin).resolve()
    return path if PROJECT_ROOT in path.parents else None


def _imported_modules(path: Path) -> Iterator[str]:
    """The absolute module names a file imports (`from a.b import c` yields a.b and a.b.c)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _project_python_files() -> list[Path]:
    return sorted(p for package in PROJECT_PACKAGES for p in (PROJECT_ROOT / package).rglob("*.py"))


def inputs() -> list[Path]:
    """Every project file whose content can change what migrating the database produces."""
    seeds: set[Path] = set()
    for app in apps.get_app_configs():
        folder = Path(app.path).resolve() / "migrations"
        if PROJECT_ROOT in folder.parents and folder.is_dir():
            seeds.update(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    seeds.update(p for p in _project_python_files() if b"post_migrate" in p.read_bytes())
    seen: set[Path] = set()
    todo = [p.resolve() for p in seeds]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.suffix != ".py":
            continue
        for name in _imported_modules(path):
            found = _module_file(name)
            if found is not None and found not in seen:
                todo.append(found)
    return sorted(seen)


def fingerprint(vendor: str) -> str:
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else str(part).encode())
            digest.update(b"\0")

    add("python", sys.version, vendor, settings.INSTALLED_APPS, sorted(settings.MIGRATION_MODULES.items()))
    versions = {(d.metadata["Name"] or "").lower(): d.version for d in importlib.metadata.distributions()}
    for name, version in sorted(versions.items()):
        add("dist", name, version)
    for path in inputs():
        add("file", path.relative_to(PROJECT_ROOT), path.read_bytes())
    return digest.hexdigest()[:16]


# -- SQLite: a file beside the project, copied into the in-memory test database -------------------


def sqlite_template(fp: str) -> Path:
    return TEMPLATE_DIR / f"sqlite-{fp}.sqlite3"


def sqlite_save(connection, fp: str) -> None:
    """Copy the migrated test database to its template file (written whole, then renamed into place)."""
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    target = sqlite_template(fp)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(partial)) as copy:
        connection.connection.backup(copy)
    partial.replace(target)
    for stale in TEMPLATE_DIR.glob("sqlite-*.sqlite3"):
        if stale != target:
            stale.unlink(missing_ok=True)


def sqlite_load(connection, fp: str) -> None:
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(sqlite_template(fp))) as source:
        source.backup(connection.connection)


# -- PostgreSQL: a template database beside the test database ------------------------------------


def pg_template_prefix(test_name: str) -> str:
    return f"{test_name}_tpl_"


def pg_template(test_name: str, fp: str) -> str:
    return f"{pg_template_prefix(test_name)}{fp}"


def pg_templates(creation, test_name: str) -> set[str]:
    prefix = pg_template_prefix(test_name)
    with creation._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix])
        return {row[0] for row in cursor.fetchall()}


def pg_save(creation, test_name: str, fp: str) -> None:
    """Copy the migrated test database into a template database; drop this project's older templates."""
    quote = creation.connection.ops.quote_name
    creation.connection.close()
    target = pg_template(test_name, fp)
    with creation._nodb_cursor() as cursor:
        for old in pg_templates(creation, test_name):
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(test_name)}")


# -- the test database's creation, through the template when one fits ----------------------------

# What this run did, for the line pytest prints at the end.
outcome: dict[str, str] = {}


def _clone(creation, test_name: str, copy) -> str:
    """What `create_test_db` does, with a copy of the template in place of `migrate`."""
    from django.core.management import call_command

    connection = creation.connection
    copy()
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    if connection.vendor == "sqlite":
        sqlite_load(connection, outcome["fingerprint"])
    call_command("createcachetable", database=connection.alias)
    connection.ensure_connection()
    return test_name


def create_test_db(creation, original, *, verbosity=1, autoclobber=False, serialize=None, keepdb=False):
    """Stands in for `connection.creation.create_test_db` during the session's database set-up."""
    connection = creation.connection
    kwargs = {"verbosity": verbosity, "autoclobber": autoclobber, "keepdb": keepdb}
    if serialize is not None:
        kwargs["serialize"] = serialize
    if keepdb or connection.vendor not in ("sqlite", "postgresql"):
        # --reuse-db keeps Django's own way (migrate the kept database); other engines build as always.
        outcome["how"] = "built by Django (keepdb or another engine)"
        return original(**kwargs)
    fp = fingerprint(connection.vendor)
    outcome["fingerprint"] = fp
    test_name = creation._get_test_db_name()
    if connection.vendor == "sqlite":
        if sqlite_template(fp).exists():
            outcome["how"] = f"copied from {sqlite_template(fp).relative_to(PROJECT_ROOT)}"
            return _clone(creation, test_name, lambda: creation._create_test_db(verbosity, True, False))
        name = original(**kwargs)
        sqlite_save(connection, fp)
        outcome["how"] = f"built from migrations, saved as {sqlite_template(fp).relative_to(PROJECT_ROOT)}"
        return name
    template = pg_template(test_name, fp)
    if template in pg_templates(creation, test_name):
        test_settings = connection.settings_dict["TEST"]
        before = test_settings.get("TEMPLATE")

        def copy():
            test_settings["TEMPLATE"] = template
            try:
                creation._create_test_db(verbosity, True, False)
            finally:
                test_settings["TEMPLATE"] = before

        outcome["how"] = f"copied from database {template}"
        return _clone(creation, test_name, copy)
    name = original(**kwargs)
    pg_save(creation, test_name, fp)
    connection.ensure_connection()
    outcome["how"] = f"built from migrations, saved as database {template}"
    return name

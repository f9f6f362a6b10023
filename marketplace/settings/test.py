"""Fast test configuration: quick password hashing, in-memory cache and email, immediate tasks."""

import os
import tempfile
from pathlib import Path

from marketplace.settings import *  # noqa: F403
from marketplace.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# For the tests that run the Redis queue for real (tests/credit/test_queue.py): a database of its own.
RQ_QUEUES = {"default": {"URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")}}
_tmp = Path(tempfile.mkdtemp(prefix="trustfair-test-"))
MEDIA_ROOT = _tmp / "media"
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir()
PRIVATE_MEDIA_ROOT = _tmp / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {}
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
ACCOUNT_RATE_LIMITS = False

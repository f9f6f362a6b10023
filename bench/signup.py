"""Sign-up as a person meets it: the POST of /accounts/signup/, in process, with the production hasher.

    DATABASE_URL=sqlite:////tmp/signup-bench.sqlite3 .venv/bin/python bench/signup.py [N]

Runs `migrate` on that database, then N sign-ups with distinct addresses through Django's test client
(the whole middleware stack, allauth's form, password validation and hashing, the confirmation email)
and prints the median and p95 of the POST, and the hasher's share measured on its own.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hasher  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main(n: int) -> None:
    setup_test_environment()  # the locmem mail outbox, ALLOWED_HOSTS for the test client
    settings.ACCOUNT_RATE_LIMITS = False
    call_command("migrate", verbosity=0)
    run = int(time.time())
    hasher = get_hasher()
    hash_times = []
    for _ in range(5):
        t = time.perf_counter()
        hasher.encode("a-long-pass-2026", hasher.salt())
        hash_times.append(time.perf_counter() - t)
    posts = []
    for i in range(n):
        client = Client()
        client.get("/accounts/signup/")
        t = time.perf_counter()
        response = client.post(
            "/accounts/signup/",
            {
                "email": f"bench-{run}-{i}@example.com",
                "password1": "a-long-pass-2026",
                "password2": "a-long-pass-2026",
            },
        )
        posts.append(time.perf_counter() - t)
        assert response.status_code == 302, response.status_code
    posts.sort()
    print(f"hasher {hasher.algorithm}: median {statistics.median(hash_times) * 1000:.0f} ms")
    print(
        f"sign-up POST, {n} runs: median {statistics.median(posts) * 1000:.0f} ms, "
        f"p95 {posts[int(0.95 * (n - 1))] * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)

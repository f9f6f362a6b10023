"""`manage.py seed_demo`: a believable TrustFair world in one step, or `--scale N` companies for benchmarks.

The command only orders the work; each app seeds its own part, in its own module:
companies/demo.py (industries, companies, demo users, verification work), catalog/demo.py
(products), showcases/demo.py, fairs/demo.py, cms/demo.py (Wagtail pages), credit/demo.py
(simulated history, model, index) and deals/demo.py (deals at every step, after credit). Reference
data — the HS tree, the industries, the staff groups, the platform's credit source — comes with
`migrate`, not from here.

Deterministic: every stage draws from its own `random.Random` seeded from `--seed` and the stage's
name, so adding a stage never changes what another one builds. Idempotent: rows are keyed by slug,
email or (country, registration number), and a second run only adds what is missing. Dates are
relative to today (the upcoming fair session is always upcoming).

Demo sign-ins (password `demo-pass-2026`, see companies/demo_data.DEMO_PASSWORD):
supplier@, buyer@, risk@, operator@, editor@ demo.trustfair.test, and the owners of a second supplier
and buyer, supplier2@ and buyer2@, who trade with the demo pair (deals/demo.py). risk@, operator@, insurer@ and bank@ have a
TOTP authenticator with a fixed secret (companies/demo_data.py DEMO_TOTP_SECRETS); `manage.py demo_totp EMAIL` prints the current code.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from cms import demo as cms_demo
from credit import demo as credit_demo
from marketplace.catalog import demo as catalog_demo
from marketplace.companies import demo as companies_demo
from marketplace.companies import demo_history
from marketplace.companies.demo_data import DEMO_DOMAIN, DEMO_PASSWORD
from marketplace.companies.models import Company, Industry, User
from marketplace.core import fx_demo
from marketplace.deals import demo as deals_demo
from marketplace.fairs import badges_demo, exhibitors_demo, hosted_demo, leads_demo
from marketplace.fairs import demo as fairs_demo
from marketplace.fairs.models import FairSession
from marketplace.financing import demo as financing_demo
from marketplace.insurance import demo as insurance_demo
from marketplace.matchmaking import matches_demo, meetings_demo, rfq_demo
from marketplace.payments import demo as payments_demo
from marketplace.showcases import demo as showcases_demo

DEFAULT_SEED = 2026


class Command(BaseCommand):
    help = (
        "Fill the database with a believable demo world (industries, ~900 companies, demo users per role, "
        "two fair sessions, Wagtail pages in English and Chinese), or with --scale N, add N companies fast "
        "for benchmarks. Deterministic and idempotent: a second run adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default %(default)s)."
        )
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="Only make sure N benchmark companies (slug prefix 'scale-') exist, with bulk inserts.",
        )
        parser.add_argument(
            "--products",
            type=int,
            metavar="N",
            help="Only make sure N benchmark products exist (from N/100 suppliers of their own), bulk-loaded.",
        )
        parser.add_argument("--suppliers", type=int, default=300, help="Suppliers to create (default 300).")
        parser.add_argument("--buyers", type=int, default=600, help="Buyers to create (default 600).")

    # -- output ---------------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)

    def _progress(self, label: str, done: int, total: int) -> None:
        if self.verbosity < 1 or total <= 0:
            return
        width = 30
        bar = "#" * int(width * done / total)
        line = f"  {label} [{bar:<{width}}] {done:>7,}/{total:,}"
        if self.stdout.isatty():
            self.stdout.write(f"\r{line}", ending="\n" if done >= total else "")
            self.stdout.flush()
        else:
            self.stdout.write(line)

    def _stage(self, name: str, started: float, **counts) -> None:
        details = ", ".join(f"{key.replace('_', ' ')} {value:,}" for key, value in counts.items())
        self._say(f"{name:<16} {details} ({time.monotonic() - started:.1f} s)")

    # -- entry point ----------------------------------------------------------------------------

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        seed = options["seed"]
        # Midnight today: a re-run on the same day draws exactly the same dates.
        anchor = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        started = time.monotonic()
        if options["products"] is not None:
            if options["products"] < 0:
                raise CommandError("--products needs a number of products, 0 or more.")
            catalog_demo.seed_catalog_scale(
                products=options["products"], suppliers=max(1, options["products"] // 100), stdout=self.stdout
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"seed_demo --products {options['products']:,} done in {time.monotonic() - started:.1f} s."
                )
            )
            return
        if options["scale"] is not None:
            if options["scale"] < 0:
                raise CommandError("--scale needs a number of companies, 0 or more.")
            added = companies_demo.seed_scale(
                options["scale"],
                seed=seed,
                anchor=anchor,
                say=self._say,
                stage=self._stage,
                progress=self._progress,
            )
            total = Company.objects.filter(slug__startswith=companies_demo.SCALE_SLUG_PREFIX).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"seed_demo --scale {options['scale']:,}: {added:,} companies added, {total:,} scale "
                    f"companies in all ({time.monotonic() - started:.1f} s)."
                )
            )
            return

        stage = self._stage
        # First: the catalog's USD prices and credit's features convert at the rates of their dates.
        added_rates = fx_demo.seed_fx_rates(today=timezone.localdate(anchor), seed=seed, stage=stage)
        with transaction.atomic():
            world = companies_demo.seed_world(
                seed=seed,
                anchor=anchor,
                n_suppliers=options["suppliers"],
                n_buyers=options["buyers"],
                stage=stage,
            )
            added = dict(world.added) | {"fx rates": added_rates}
            catalog = catalog_demo.seed_catalog(
                rng_seed=seed, stdout=self.stdout if self.verbosity >= 1 else None
            )
            added["products"] = catalog["products"]
            added["showcases"] = showcases_demo.seed_showcases(
                supplier_user=world.users[companies_demo.DEMO_SUPPLIER_OWNER],
                buyer_user=world.users[companies_demo.DEMO_BUYER_OWNER],
                now=anchor,
                stage=stage,
            )
            added["fair sessions"] = fairs_demo.seed_fairs(world.industries, seed=seed, stage=stage)
            # Booths and exhibitors through the services: the ranking's fair presence follows from them.
            added["exhibitors"] = exhibitors_demo.seed_exhibitors(
                demo_supplier_slug=companies_demo.DEMO_SUPPLIER["slug"], seed=seed, stage=stage
            )
            added["pages"] = cms_demo.seed_pages(
                supplier=world.supplier, companies=world.companies, seed=seed, stage=stage
            )
        # The protagonist's history is written, not drawn (demo_history.py); everyone else's is simulated.
        history_started = time.monotonic()
        added["supplier history"] = demo_history.seed_supplier_history(
            world.supplier, seed=seed, today=anchor
        )
        stage("supplier history", history_started, facts_new=added["supplier history"])
        added |= credit_demo.seed_credit(
            Company.objects.trading()
            .exclude(slug__startswith=companies_demo.SCALE_SLUG_PREFIX)
            .order_by("pk"),
            seed=seed,
            today=anchor,
            say=self._say,
            stage=stage,
            progress=self._progress,
            own_history=[world.supplier.pk],
        )
        # After credit: the deals' payment terms follow the demo buyer's grade, as gating decides it.
        added["deals"] = deals_demo.seed_deals(users=world.users, now=anchor, stage=stage)
        added["sourcing requests"] = rfq_demo.seed_rfqs(users=world.users, now=anchor, stage=stage)
        added["meetings"] = meetings_demo.seed_meetings(users=world.users, now=anchor, stage=stage)
        # After the deals: the demo supplier's order financed by the demo bank.
        # Insurance first: the financing demo may finance the insured deal after shipment.
        added["insured deals"] = insurance_demo.seed_insurance(users=world.users, stage=stage)
        added["financing"] = financing_demo.seed_financing(users=world.users, stage=stage)
        added["payments"] = payments_demo.seed_payments(users=world.users)
        # After the deals (response figures, markets) and credit (grades); presence came with the exhibitors.
        matches_demo.seed_matches(stage=stage)
        # After the fairs and the demo users: registered buyers with badges, a desk, the past session's check-ins.
        added["fair badges"] = badges_demo.seed_badges(users=world.users, seed=seed, stage=stage)
        # After the fairs and the catalog: badges scanned at the demo supplier's booth in the past session.
        added["fair leads"] = leads_demo.seed_leads(
            users=world.users,
            supplier_slug=companies_demo.DEMO_SUPPLIER["slug"],
            domain=DEMO_DOMAIN,
            stage=stage,
        )
        # After fairs and the meetings: the hosted buyer meeting books its tables around the demo meetings.
        added["buyer meetings"] = hosted_demo.seed_hosted(
            users=world.users, operator_email=f"operator@{DEMO_DOMAIN}", stage=stage
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo done in {time.monotonic() - started:.1f} s: {Industry.objects.count()} industries, "
                f"{Company.objects.count():,} companies, {User.objects.count()} users, "
                f"{FairSession.objects.count()} fair sessions, {Page.objects.count() - 1} pages; "
                f"{sum(added.values()):,} rows added this run. Demo sign-in: supplier@{DEMO_DOMAIN} (and buyer@, "
                f"risk@, operator@, editor@, insurer@, bank@), password {DEMO_PASSWORD}; risk@, operator@, "
                f"insurer@ and bank@ also need a TOTP code: manage.py demo_totp EMAIL."
            )
        )

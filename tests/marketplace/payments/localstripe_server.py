"""Run localstripe for the tests: bound to 127.0.0.1 on a given port, its store pickled in a given file.

localstripe's own CLI binds every interface (`::`) and pickles its store to the fixed file
/tmp/localstripe.pickle, shared by every run on the machine. This launcher imports its aiohttp app instead,
points the store's load/dump at a file of its own, binds the loopback address only, and adds the Stripe
Connect endpoints localstripe lacks, following Stripe's documented object shapes:

- POST /v1/accounts, GET /v1/accounts/{id}            (an Express connected account)
- POST /v1/account_links                              (an onboarding link, `type=account_onboarding`)
- POST /v1/transfers, GET /v1/transfers/{id}          (separate charges and transfers; `source_transaction`)
- GET  /v1/transfers?transfer_group=…&destination=…   (the list, filtered as Stripe's is)
- POST /v1/transfers/{id}/reversals                   (a transfer reversal, never more than the transfer)
- GET  /_config/connect/onboard/{id}                  (stands in for Stripe's hosted onboarding page:
                                                       completes the account and redirects to `return_url`)

Run: `python -m tests.marketplace.payments.localstripe_server --port 8420 --store /tmp/x/store.pickle`.
`start(...)` / `LocalStripe` start it as a subprocess and wait until it answers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from localstripe.errors import UserError
from localstripe.resources import Charge, StripeObject, random_id, store

SECRET_KEY = "sk_test_trustfair_localstripe"
PUBLISHABLE_KEY = "pk_test_trustfair_localstripe"


def _patch_store(path: Path) -> None:
    from localstripe import resources

    def try_load_from_disk(self):
        with contextlib.suppress(FileNotFoundError):
            with open(path, "rb") as f:
                old = pickle.load(f)  # noqa: S301 - our own file, written by this process
            self.clear()
            self.update(old)

    def dump_to_disk(self):
        with open(path, "wb") as f:
            pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk


# Module-level classes: the store pickles its objects, and pickle finds a class by its module and name.
class Account(StripeObject):
    object = "account"
    _id_prefix = "acct_"

    def __init__(self, type="express", country=None, email=None, metadata=None, **kwargs):
        super().__init__()
        self.type = type
        self.country = country or "US"
        self.email = email
        self.default_currency = kwargs.get("default_currency") or "usd"
        self.metadata = metadata or {}
        self.business_profile = kwargs.get("business_profile") or {}
        self.capabilities = {"transfers": "inactive"}
        self.charges_enabled = False
        self.payouts_enabled = False
        self.details_submitted = False
        self.requirements = {
            "currently_due": ["external_account", "tos_acceptance.date"],
            "eventually_due": [],
            "past_due": [],
            "disabled_reason": "requirements.past_due",
        }

    def _complete(self):
        self.capabilities = {"transfers": "active"}
        self.charges_enabled = self.payouts_enabled = self.details_submitted = True
        self.requirements = {
            "currently_due": [],
            "eventually_due": [],
            "past_due": [],
            "disabled_reason": None,
        }
        store["account:" + self.id] = self  # persist the change


class Transfer(StripeObject):
    object = "transfer"
    _id_prefix = "tr_"

    def __init__(
        self,
        amount=None,
        currency=None,
        destination=None,
        source_transaction=None,
        transfer_group=None,
        metadata=None,
        description=None,
    ):
        super().__init__()
        self.amount = amount
        self.currency = currency
        self.destination = destination
        self.destination_payment = "py_" + random_id(14)
        self.source_transaction = source_transaction
        self.transfer_group = transfer_group
        self.metadata = metadata or {}
        self.description = description
        self.amount_reversed = 0
        self.reversed = False
        self._reversals = []

    @property
    def reversals(self):
        return {
            "object": "list",
            "data": list(self._reversals),
            "has_more": False,
            "total_count": len(self._reversals),
            "url": f"/v1/transfers/{self.id}/reversals",
        }


def _add_connect(app) -> None:
    from aiohttp import web
    from localstripe.server import get_post_data, json_response

    def _int(value, name):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise UserError(400, f"Invalid integer: {name}") from None
        if number <= 0:
            raise UserError(400, f"Invalid {name}: must be positive")
        return number

    async def create_account(request):
        data = await get_post_data(request) or {}
        account = Account(
            type=data.get("type", "express"),
            country=data.get("country"),
            email=data.get("email"),
            metadata=data.get("metadata"),
            default_currency=data.get("default_currency"),
            business_profile=data.get("business_profile"),
        )
        return json_response(account._export())

    async def retrieve_account(request):
        return json_response(Account._api_retrieve(request.match_info["id"])._export())

    async def create_account_link(request):
        data = await get_post_data(request) or {}
        account = data.get("account")
        if not isinstance(account, str):
            raise UserError(400, "Missing required param: account.")
        Account._api_retrieve(account)
        for name in ("refresh_url", "return_url"):
            if not str(data.get(name, "")).startswith("http"):
                raise UserError(400, f"Missing required param: {name}.")
        if data.get("type") not in ("account_onboarding", "account_update"):
            raise UserError(400, "Invalid type: must be account_onboarding or account_update.")
        base = f"{request.scheme}://{request.host}"
        query = urllib.parse.urlencode({"return_url": data["return_url"]})
        now = int(time.time())
        return json_response(
            {
                "object": "account_link",
                "created": now,
                "expires_at": now + 300,
                "url": f"{base}/_config/connect/onboard/{account}?{query}",
            }
        )

    async def onboard(request):
        account = Account._api_retrieve(request.match_info["id"])
        account._complete()
        raise web.HTTPFound(request.query.get("return_url", "/"))

    async def create_transfer(request):
        data = await get_post_data(request) or {}
        amount = _int(data.get("amount"), "amount")
        currency = data.get("currency")
        if not isinstance(currency, str) or len(currency) != 3:
            raise UserError(400, "Missing required param: currency.")
        destination = data.get("destination")
        if not isinstance(destination, str):
            raise UserError(400, "Missing required param: destination.")
        account = Account._api_retrieve(destination)
        if account.capabilities.get("transfers") != "active":
            raise UserError(
                400,
                "Your destination account needs to have at least one of the following capabilities "
                "enabled: transfers",
                {"code": "insufficient_capabilities_for_transfer"},
            )
        source = data.get("source_transaction")
        if source is not None:
            charge = Charge._api_retrieve(source)
            if not charge.captured or charge.status != "succeeded":
                raise UserError(400, "The source transaction has not been captured.")
            sent = sum(
                t.amount
                for key, t in store.items()
                if key.startswith("transfer:") and t.source_transaction == source
            )
            if sent + amount > charge.amount - charge.amount_refunded:
                raise UserError(
                    400, "Insufficient funds in the source transaction.", {"code": "balance_insufficient"}
                )
            if charge.currency.lower() != currency.lower():
                raise UserError(400, "The currency of the transfer must match its source transaction.")
        transfer = Transfer(
            amount=amount,
            currency=currency.lower(),
            destination=destination,
            source_transaction=source,
            transfer_group=data.get("transfer_group"),
            metadata=data.get("metadata"),
            description=data.get("description"),
        )
        return json_response(transfer._export())

    async def list_transfers(request):
        query = request.query
        rows = [t for key, t in store.items() if key.startswith("transfer:")]
        for name in ("transfer_group", "destination"):
            if query.get(name):
                rows = [t for t in rows if getattr(t, name) == query[name]]
        rows.sort(key=lambda t: t.created, reverse=True)
        data = [t._export() for t in rows]
        return json_response({"object": "list", "data": data, "has_more": False, "url": "/v1/transfers"})

    async def retrieve_transfer(request):
        return json_response(Transfer._api_retrieve(request.match_info["id"])._export())

    async def create_reversal(request):
        transfer = Transfer._api_retrieve(request.match_info["id"])
        data = await get_post_data(request) or {}
        left = transfer.amount - transfer.amount_reversed
        amount = _int(data["amount"], "amount") if data.get("amount") is not None else left
        if amount > left:
            raise UserError(400, "The reversal amount exceeds what is left of the transfer.")
        reversal = {
            "id": "trr_" + random_id(14),
            "object": "transfer_reversal",
            "amount": amount,
            "currency": transfer.currency,
            "created": int(time.time()),
            "transfer": transfer.id,
            "metadata": data.get("metadata") or {},
            "destination_payment_refund": "pyr_" + random_id(14),
        }
        transfer._reversals.append(reversal)
        transfer.amount_reversed += amount
        transfer.reversed = transfer.amount_reversed >= transfer.amount
        store["transfer:" + transfer.id] = transfer
        return json_response(reversal)

    app.router.add_post("/v1/accounts", create_account)
    app.router.add_get("/v1/accounts/{id}", retrieve_account)
    app.router.add_post("/v1/account_links", create_account_link)
    app.router.add_post("/v1/transfers", create_transfer)
    app.router.add_get("/v1/transfers", list_transfers)
    app.router.add_get("/v1/transfers/{id}", retrieve_transfer)
    app.router.add_post("/v1/transfers/{id}/reversals", create_reversal)
    app.router.add_get("/_config/connect/onboard/{id}", onboard)


def serve(port: int, store_path: Path) -> None:
    from aiohttp import web

    _patch_store(store_path)
    from localstripe.server import app

    _add_connect(app)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    web.run_app(app, sock=sock, print=None, access_log=None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStripe:
    """A running localstripe subprocess: `url`, `flush()`, `stop()`."""

    def __init__(self, process: subprocess.Popen, url: str, folder: tempfile.TemporaryDirectory):
        self.process, self.url, self._folder = process, url, folder

    def _request(self, method: str, path: str):
        request = urllib.request.Request(self.url + path, method=method)  # noqa: S310 - loopback only
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status

    def flush(self) -> None:
        """Empty the store (`DELETE /_config/data`): each test starts from nothing."""
        self._request("DELETE", "/_config/data")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._folder.cleanup()


def start(timeout: float = 20.0) -> LocalStripe:
    folder = tempfile.TemporaryDirectory(prefix="localstripe-")
    port = free_port()
    root = Path(__file__).resolve().parents[3]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "tests.marketplace.payments.localstripe_server",
            "--port",
            str(port),
            "--store",
            str(Path(folder.name) / "store.pickle"),
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LocalStripe(process, f"http://127.0.0.1:{port}", folder)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with {process.returncode}")
        try:
            server.flush()
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("localstripe did not start in time")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", type=Path, required=True)
    args = parser.parse_args()
    serve(args.port, args.store)

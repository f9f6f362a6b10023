"""manage.py import_credit_facts FILE --source SOURCE: load a partner's CSV or JSON Lines file of facts."""

import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from credit.facts import source_by_code
from credit.imports import CHUNK_SIZE, ImportFormatError, import_file
from credit.models import BatchChannel

SHOWN_REJECTIONS = 50


class Command(BaseCommand):
    help = (
        "Import credit facts from a CSV or JSON Lines file for one data source. Valid rows commit together; "
        "rejected rows are listed and kept for review; a file imported before adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .csv or .jsonl file.")
        parser.add_argument("--source", required=True, help="Code of the data source the facts come from.")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="Rows per database round.")
        parser.add_argument(
            "--progress-every", type=int, default=50_000, help="Print a progress line every N rows (stderr)."
        )

    def handle(self, *args, file, source, chunk_size, progress_every, **options):
        try:
            data_source = source_by_code(source)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        started = time.monotonic()
        next_report = progress_every

        def progress(batch):
            nonlocal next_report
            if batch.rows_total >= next_report:
                rate = batch.rows_total / max(time.monotonic() - started, 1e-9)
                self.stderr.write(f"… {batch.rows_total:,} rows ({rate:,.0f} rows/s)")
                next_report = (batch.rows_total // progress_every + 1) * progress_every

        try:
            with open(file, "rb") as stream:
                result = import_file(
                    stream=stream,
                    file_name=file,
                    source=data_source,
                    channel=BatchChannel.COMMAND,
                    progress=progress,
                    chunk_size=chunk_size,
                )
        except FileNotFoundError:
            raise CommandError(f"no such file: {file}") from None
        except ImportFormatError as exc:
            raise CommandError(str(exc)) from None

        if result.already_imported is None:
            rejected = result.batch.rejected_rows.order_by("line", "id")
            for row in rejected[:SHOWN_REJECTIONS]:
                self.stderr.write(f"line {row.line}: {row.field or '-'}: {row.reason}")
            if result.batch.rows_rejected > SHOWN_REJECTIONS:
                self.stderr.write(f"… and more; all rejected rows are kept with batch #{result.batch.pk}")
        elapsed = time.monotonic() - started
        style = (
            self.style.SUCCESS
            if result.already_imported or not result.batch.rows_rejected
            else self.style.WARNING
        )
        self.stdout.write(style(f"{result.summary} ({elapsed:.1f} s)"))
        sys.stdout.flush()

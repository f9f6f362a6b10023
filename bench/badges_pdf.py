"""Badge PDF render time: one A6 badge (name, company, country, role, session, QR code) through
core.pdf.render_pdf, and a batch of badges as ONE PDF (one A6 page each — the stack a service point prints).

    .venv/bin/python bench/badges_pdf.py [--n 30] [--batch 1000]

No database: the badges are unsaved model instances with ids (the token needs only the id and nonce), half
of them with Chinese names. Renders once to warm the font cache, then `--n` single badges (median, p95,
wall and CPU), then one batch of `--batch` badges (total, per badge, size, pages from `pdfinfo`), and checks
that the QR code of the batch's last page decodes to its token (zxing-cpp, pdftoppm).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from marketplace.fairs import badge_tokens, badges_pdf  # noqa: E402
from marketplace.fairs.models import Badge, FairSession, Registration  # noqa: E402

NAMES = [
    ("Anna Weber", "Weber Handel GmbH", "DE"),
    ("王小明", "广州进出口有限公司", "CN"),
    ("Jean-Baptiste Dupont", "Dupont Distribution SARL", "FR"),
    ("李娜", "宁波恒泰精密机械有限公司", "CN"),
]


def badges(n: int) -> list[Badge]:
    session = FairSession(
        pk=1,
        name="140th Session",
        name_zh="第140届",
        slug="140th-session",
        city="Guangzhou",
        country="CN",
        starts_on=dt.date(2027, 1, 15),
        ends_on=dt.date(2027, 2, 3),
    )
    out = []
    for i in range(n):
        name, company, country = NAMES[i % len(NAMES)]
        registration = Registration(
            pk=i + 1,
            session=session,
            role="buyer" if i % 5 else "exhibitor_staff",
            full_name=name,
            company_name=company,
            country=country,
        )
        out.append(Badge(pk=i + 1, registration=registration, nonce=f"n{i:06d}"))
    return out


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    one = badges(1)[0]
    badges_pdf.render(one)  # warm the fonts
    walls, cpus = [], []
    for badge in badges(args.n):
        _pdf, wall, cpu = timed(lambda b=badge: badges_pdf.render(b))
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
    q = statistics.quantiles
    print(
        f"one badge, {args.n} renders: wall median {statistics.median(walls):.0f} ms, "
        f"p95 {q(walls, n=20)[18]:.0f} ms; CPU median {statistics.median(cpus):.0f} ms, p95 {q(cpus, n=20)[18]:.0f} ms"
    )
    stack = badges(args.batch)
    pdf, wall, cpu = timed(lambda: badges_pdf.render_many(stack))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["/usr/bin/pdfinfo", str(path)], capture_output=True, text=True).stdout  # noqa: S603
        pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        subprocess.run(  # noqa: S603
            ["/usr/bin/pdftoppm", "-r", "150", "-png", "-f", pages, "-l", pages, str(path), f"{tmp}/last"],
            check=True,
        )
        import zxingcpp
        from PIL import Image

        image = Image.open(next(Path(tmp).glob("last*.png")))
        decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    print(
        f"batch of {args.batch} badges in one PDF: {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"({wall / args.batch * 1000:.0f} ms a badge), {len(pdf) / 1e6:.1f} MB, {pages} pages; "
        f"last page's QR decodes to its token: {decoded == [badge_tokens.token_for(stack[-1])]}"
    )


if __name__ == "__main__":
    main()

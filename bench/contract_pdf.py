"""Sales contract PDF render time: a three-page bilingual contract through core.pdf.render_pdf.

    .venv/bin/python bench/contract_pdf.py [N]

Builds the context `marketplace.deals.contracts.contract_context` gives the template (both parties,
item lines, terms in English and Chinese, the default governing clauses) with enough lines for three
A4 pages (24 by default), renders it once to warm the font cache, checks the page count with `pdfinfo`, then renders it
N times (default 15) and prints the median, p95 and the Noto Sans CJK SC check.
"""

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

from cms.blocks import DEFAULT_CLAUSES  # noqa: E402
from marketplace.core import pdf  # noqa: E402
from marketplace.deals.contracts import TEMPLATE  # noqa: E402

LINES = int(os.environ.get("CONTRACT_LINES", "24"))


def context() -> dict:
    party = {
        "registration_number": "91330200MA2H4XXXX1",
    }
    return {
        "number": "TF-2026-000042",
        "issued_on_en": "2026-12-02",
        "issued_on_zh": "2026年12月2日",
        "parties": [
            {
                **party,
                "role": "seller",
                "name": "Ningbo Hengtai Precision Machinery Co., Ltd.",
                "name_zh": "宁波恒泰精密机械有限公司",
                "address_en": "Ningbo, China",
                "address_zh": "中国 宁波",
            },
            {
                **party,
                "role": "buyer",
                "name": "Hamburg Industrial Imports GmbH",
                "name_zh": "",
                "address_en": "Hamburg, Germany",
                "address_zh": "德国 Hamburg",
            },
        ],
        "lines": [
            {
                "description": f"Injection moulding machine 120 t, model HT-{n:03d} / 注塑机 120 吨",
                "hs_code": "847710",
                "quantity": "10",
                "unit": "piece",
                "unit_price": "12,500.00",
                "amount": "125,000.00",
            }
            for n in range(LINES)
        ],
        "currency": "USD",
        "total": f"{125000 * LINES:,.2f}",
        "terms": [
            {
                "label_en": "Incoterm (Incoterms® 2020)",
                "label_zh": "贸易术语（Incoterms® 2020）",
                "value_en": "FOB Ningbo",
                "value_zh": "FOB Ningbo",
            },
            {
                "label_en": "Delivery",
                "label_zh": "交货",
                "value_en": "45 days after the order",
                "value_zh": "下单后 45 日",
            },
            {
                "label_en": "Payment",
                "label_zh": "付款",
                "value_en": "Deposit of 30% within 7 days of the order; balance of 70% against the shipping documents.",
                "value_zh": "下单后 7 日内支付 30% 定金；余款 70% 凭装运单据支付。",
            },
            {
                "label_en": "Inspection before shipment",
                "label_zh": "装运前检验",
                "value_en": "By a third party",
                "value_zh": "第三方检验",
            },
        ],
        "clauses": DEFAULT_CLAUSES,
    }


def main(n: int) -> None:
    data = context()
    document = pdf.render_pdf(TEMPLATE, data, language="zh-hans")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(document)
        fh.flush()
        info = subprocess.run(["pdfinfo", fh.name], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
        fonts = subprocess.run(["pdffonts", fh.name], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    times, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf.render_pdf(TEMPLATE, data, language="zh-hans")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"pages={pages} lines={LINES} size={len(document) / 1024:.0f} KiB runs={n}")
    print(
        f"median={statistics.median(times) * 1000:.0f} ms p95={p95 * 1000:.0f} ms min={times[0] * 1000:.0f} ms"
    )
    # On a shared machine the wall time follows the load; the process CPU time is what one render costs.
    print(f"cpu median={statistics.median(cpu) * 1000:.0f} ms cpu max={max(cpu) * 1000:.0f} ms")
    print(
        "Noto Sans CJK SC embedded:", "NotoSansCJKsc" in fonts.replace("-", "") or "Noto-Sans-CJK-SC" in fonts
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)

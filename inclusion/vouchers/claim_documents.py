"""A claim's bordereau as PDF (WeasyPrint, off the event loop) and as CSV (`;`, UTF-8 BOM, dd/mm/yyyy)."""

from __future__ import annotations

import csv
import io
from typing import Any

from inclusion.clock import now
from inclusion.documents.pdf import render_pdf
from inclusion.documents.spreadsheets import safe_row
from inclusion.storage.tables.sites import Site
from inclusion.storage.tables.vouchers import VoucherScheme
from inclusion.vocabulary import CLAIM_STATUS_LABELS, ClaimStatus

CSV_HEADER = ["numero_pass", "date_activite", "activite", "valeur_euros"]


def euros(cents: int) -> str:
    """12345 → "123,45 €" (French format, narrow no-break space before the sign)."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"


def file_stem(claim: dict[str, Any]) -> str:
    return f"bordereau-{claim['id']}-{claim['date_from']:%Y%m%d}-{claim['date_to']:%Y%m%d}"


async def claim_pdf(claim: dict[str, Any]) -> bytes:
    site = await Site.select().where(Site.id == claim["site_id"]).first().run()
    scheme = await VoucherScheme.select().where(VoucherScheme.id == claim["scheme_id"]).first().run()
    title = f"Demande de remboursement n° {claim['id']} — {scheme['name']}"
    context = {
        "title": title,
        "author": site["name"],
        "claim": claim,
        "site": site,
        "scheme": scheme,
        "status": CLAIM_STATUS_LABELS[ClaimStatus(claim["status"])],
        "euros": euros,
        "printed_on": now(),
    }
    return await render_pdf("pdf/claim.html", context)


def claim_csv(claim: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in claim["lines"]:
        value = f"{line['value_cents'] // 100},{line['value_cents'] % 100:02d}"
        writer.writerow(safe_row([line["number"], line["date"].strftime("%d/%m/%Y"), line["activity"], value]))
    total = claim["total_cents"]
    writer.writerow(safe_row(["TOTAL", "", f"{len(claim['lines'])} Pass", f"{total // 100},{total % 100:02d}"]))
    return ("\ufeff" + buffer.getvalue()).encode()

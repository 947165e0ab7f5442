"""The printable 4x6 inch shipping label: one page per parcel, the tracking number as a Code 128 barcode."""

from __future__ import annotations

import io

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from services.shipping.domain.model import Party, Shipment

PAGE = (4 * inch, 6 * inch)
MARGIN = 0.15 * inch
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
# Senders in China often write their name and address in Chinese, which Helvetica cannot draw. STSong-Light
# is one of the CID fonts every PDF reader supplies, so nothing has to be embedded.
CJK = "STSong-Light"


def _font_for(text: str, bold: bool = False) -> str:
    if text.isascii():
        return LATIN_BOLD if bold else LATIN
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    return CJK


def _text(canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
    canvas.setFont(_font_for(text, bold), size)
    canvas.drawString(x, y, text)


def _party(canvas: Canvas, title: str, party: Party, top: float, size: float) -> float:
    """Draws an address block from `top` downwards; returns the y below it."""
    _text(canvas, MARGIN, top, title, 7, bold=True)
    lines = [party.name, *party.address_lines, f"{party.city}, {party.region} {party.postal_code}",
             f"{party.country}  {party.phone}"]
    y = top - size - 2
    for line in lines:
        _text(canvas, MARGIN + 6, y, line, size, bold=(line == party.name))
        y -= size + 2
    return y


def _barcode(canvas: Canvas, value: str, y: float, bar_height: float, bar_width: float) -> None:
    barcode = Code128(value, barHeight=bar_height, barWidth=bar_width, humanReadable=False)
    x = (PAGE[0] - barcode.width) / 2
    barcode.drawOn(canvas, x, y)


def _page(canvas: Canvas, shipment: Shipment, parcel_index: int) -> None:
    width, height = PAGE
    parcel = shipment.parcels[parcel_index]
    _text(canvas, MARGIN, height - MARGIN - 12, "PARCELBRIDGE  SF Express x UPS", 11, bold=True)
    _text(canvas, width - MARGIN - 90, height - MARGIN - 12, shipment.service_level.upper(), 11, bold=True)
    canvas.line(MARGIN, height - MARGIN - 18, width - MARGIN, height - MARGIN - 18)
    y = _party(canvas, "FROM", shipment.sender, height - MARGIN - 30, 7)
    canvas.line(MARGIN, y, width - MARGIN, y)
    y = _party(canvas, "SHIP TO", shipment.recipient, y - 12, 10)
    canvas.line(MARGIN, y, width - MARGIN, y)
    customs = shipment.customs
    details = (
        f"Parcel {parcel_index + 1} of {len(shipment.parcels)}   {parcel.weight_kg} kg   "
        f"{parcel.length_cm}x{parcel.width_cm}x{parcel.height_cm} cm"
    )
    _text(canvas, MARGIN, y - 12, details, 7)
    _text(canvas, MARGIN, y - 22, (
        f"Export {customs.export_mode}  US entry {customs.us_entry_type}  {customs.incoterm}  "
        f"duties: {customs.duty_payer}  value USD {customs.declared_value_usd}"
    ), 7)
    _text(canvas, MARGIN, y - 32, f"Order {shipment.shipper_reference}   promised {shipment.promised_delivery_date}", 7)
    _barcode(canvas, shipment.shipment_id, 1.45 * inch, 0.9 * inch, 1.1)
    _text(canvas, MARGIN, 1.25 * inch, f"TRACKING # {shipment.shipment_id}", 12, bold=True)
    _barcode(canvas, shipment.ups_tracking_number, 0.55 * inch, 0.45 * inch, 0.8)
    _text(canvas, MARGIN, 0.4 * inch, f"UPS {shipment.ups_tracking_number}", 8)
    _text(canvas, MARGIN, 0.25 * inch, f"SF  {shipment.sf_waybill}", 8)


def render_label(shipment: Shipment) -> bytes:
    """The label PDF; identical bytes for the same shipment (no timestamps embedded)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, invariant=1)
    canvas.setTitle(f"Label {shipment.shipment_id}")
    for index in range(len(shipment.parcels)):
        _page(canvas, shipment, index)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()

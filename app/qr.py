"""QR codes as inline SVG: the ticket's code, and the event page's address on the screen."""

import segno
from markupsafe import Markup, escape


def qr_svg(data: str, *, css_class: str = "qr-code", label: str | None = None) -> Markup:
    """`data` as a full QR code (phone cameras do not read Micro QR), black on white, with a
    border of two modules; `label` makes it an image with that accessible name."""
    svg = segno.make_qr(data, error="m").svg_inline(
        scale=1, dark="#000", light="#fff", border=2, omitsize=True, svgclass=css_class
    )
    if label is not None:
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)  # noqa: S704 (segno's own SVG; the label is escaped)

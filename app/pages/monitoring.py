"""What the public monitoring pages show: the network overview, a round's report, and the
monitoring section of the municipality page (one function, `municipality_monitoring`).

The charts are SVG drawn on the server: stacked horizontal bars in a viewBox, colours as
presentation attributes (no inline style, no script), the numbers in a <title> and in the table.
"""

from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app import labels
from app.i18n import get_locale
from app.i18n import gettext as _
from app.models import AssessmentStatus, Election, Municipality, User
from app.models.monitoring import Figures
from app.services import monitoring_figures, monitoring_views
from app.services.monitoring_figures import NO_IMPROVEMENT, NOT_ADDRESSED, ContractRounds

WIDTH = 300  # the chart's viewBox width; text is sized against it (legible at 320 px)
ROW = 46  # a row: its label above, its bar below
BAR = 22
COLOURS = {  # fill, and the text's colour on it (contrast ≥ 4.5:1)
    "fully_addressed": ("#1d6b35", "#ffffff"),
    "partially_addressed": ("#e0a800", "#1b1f24"),
    "not_addressed": ("#a3160e", "#ffffff"),
}


def percent(value: float) -> str:
    """74.5 as the visitor writes it (74,5 in Albanian)."""
    return format_decimal(value, format="0.0", locale=get_locale())


def status_names() -> dict[str, str]:
    """The network's names of the three statuses, translated."""
    return {status.value: labels.label(status) for status in AssessmentStatus}


def reason_names() -> dict[str, str]:
    return {
        NOT_ADDRESSED: _("Not addressed in the latest round"),
        NO_IMPROVEMENT: _("No improvement since the round before"),
    }


@dataclass
class Segment:
    status: str
    x: float
    width: float
    fill: str
    text: str
    text_fill: str
    text_x: float


@dataclass
class Bar:
    label: str
    y: float
    segments: list[Segment]
    summary: str
    href: str | None = None


@dataclass
class Chart:
    height: int
    bars: list[Bar]
    title: str
    width: int = WIDTH


def describe(figures: Figures) -> str:
    """The numbers of a bar in words, for screen readers and the SVG's <title>."""
    names = status_names()
    return "; ".join(
        f"{names[s]}: {getattr(figures, s)} ({figures.percentages[s]}%)" for s in COLOURS
    )


def chart(rows: list[tuple[str, Figures, str | None]], title: str) -> Chart:
    """Stacked bars, one per row; a share's percent is written in it when there is room."""
    bars = []
    for n, (label, figures, href) in enumerate(rows):
        x = 0.0
        segments = []
        for status, (fill, text_fill) in COLOURS.items():
            share = figures.percentages[status]
            width = WIDTH * share / 100
            if width > 0:
                segments.append(
                    Segment(
                        status,
                        round(x, 2),
                        round(width, 2),
                        fill,
                        f"{share}%" if width >= 30 else "",
                        text_fill,
                        round(x + width / 2, 2),
                    )
                )
            x += width
        bars.append(Bar(label, n * ROW, segments, f"{label}: {describe(figures)}", href))
    return Chart(height=max(len(rows), 1) * ROW, bars=bars, title=title)


async def _elections(session: AsyncSession, ids: set[int]) -> dict[int, Election]:
    if not ids:
        return {}
    rows = await session.execute(select(Election).where(col(Election.id).in_(ids)))
    return {e.id or 0: e for e in rows.scalars()}


def _unaddressed(entries: list[ContractRounds]) -> list[dict[str, Any]]:
    """The advocacy list: per municipality, the flagged priorities of its latest round."""
    listed = []
    for entry in entries:
        flagged = entry.flagged()
        if not flagged:
            continue
        latest = entry.latest
        assert latest is not None
        statuses = entry.statuses[latest.id or 0]
        items = sorted(
            ((entry.priorities[pid], reasons, statuses[pid]) for pid, reasons in flagged.items()),
            key=lambda item: item[0].position,
        )
        listed.append({"entry": entry, "round": latest, "items": items})
    return listed


async def network_context(*, session: AsyncSession) -> dict[str, Any]:
    """The network overview: each municipality's latest round, the totals, the terms."""
    contracts = await monitoring_figures.published(session=session)
    latest = monitoring_figures.latest_by_municipality(contracts)
    figures = monitoring_figures.network_figures(contracts)
    rows = [
        (e.municipality.name, e.figures(), f"/monitoring/rounds/{e.latest.id}")
        for e in latest
        if e.latest
    ]
    elections = await _elections(session, {t.election_id for t in figures.terms})
    return {
        "rows": latest,
        "figures": figures,
        "chart": chart(
            [*rows, (_("Network"), figures.totals, None)] if rows else [],
            _("Priorities by status in each municipality's latest published round"),
        ),
        "terms": [
            (t, elections.get(t.election_id), percent(t.addressed_percent)) for t in figures.terms
        ],
        "unaddressed": _unaddressed(latest),
        "status_names": status_names(),
        "reason_names": reason_names(),
    }


async def unaddressed_context(*, session: AsyncSession) -> dict[str, Any]:
    """The network's unaddressed list."""
    contracts = await monitoring_figures.published(session=session)
    latest = monitoring_figures.latest_by_municipality(contracts)
    return {
        "unaddressed": _unaddressed(latest),
        "status_names": status_names(),
        "reason_names": reason_names(),
    }


async def report_context(
    *, session: AsyncSession, view: monitoring_views.RoundView, viewer: User | None
) -> dict[str, Any]:
    """A round's report, as its page, the municipality page and the print view show it."""
    return {
        "view": view,
        "chart": chart(
            [(view.round.label, view.figures, None)],
            _(
                "%(municipality)s, %(round)s: priorities by status",
                municipality=view.municipality.name,
                round=view.round.label,
            ),
        ),
        "status_names": status_names(),
        "reason_names": reason_names(),
        "may_write": await monitoring_views.may_write(
            session=session, contract=view.contract, user=viewer
        ),
    }


async def municipality_monitoring(
    *, session: AsyncSession, municipality: Municipality
) -> dict[str, Any]:
    """The municipality page's monitoring section: its latest published round, or nothing."""
    contracts = await monitoring_figures.published(session=session, municipality_id=municipality.id)
    latest = monitoring_figures.latest_by_municipality(contracts)
    if not latest or latest[0].latest is None:
        return {"monitoring": None}
    entry = latest[0]
    assert entry.latest is not None
    view = await monitoring_views.round_view(
        session=session, round_=entry.latest, contract=entry.contract
    )
    return {"monitoring": await report_context(session=session, view=view, viewer=None)}

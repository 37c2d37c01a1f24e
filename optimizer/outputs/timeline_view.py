"""Where one year's outputs sit in a multi-year timeline (for its map and report)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class TimelineView:
    """A year's place in the timeline.

    Attributes
    ----------
    year
        This year (years after the base year, 1..``years``).
    years
        Years in the timeline; year ``k``'s outputs are in the sibling folder ``year+k``.
    rows
        What happens when (``optimizer.planning.timeline.timeline_rows``): dicts with ``year``,
        ``event`` (build, close, totals), ``school`` and ``detail``.
    """

    year: int
    years: int
    rows: tuple[dict[str, object], ...]

    def link(self, year: int, page: str) -> str:
        """Relative link from this year's folder to ``page`` of ``year``."""
        return f"../year+{year}/{page}"

    def links(self, page: str, label: str) -> str:
        """HTML: every year named by ``label`` (``{n}``: the year), this one in bold, the
        others linking to their ``page``."""
        return " · ".join(
            f"<b>{escape(label.format(n=k))}</b>"
            if k == self.year
            else f'<a href="{escape(self.link(k, page))}">{escape(label.format(n=k))}</a>'
            for k in range(1, self.years + 1)
        )

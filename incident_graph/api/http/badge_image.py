"""A badge drawn as shields.io draws its flat badges, or as its endpoint-badge JSON."""

from __future__ import annotations

from typing import Final
from xml.sax.saxutils import escape, quoteattr

import orjson

from incident_graph.domain.badge import Badge

# Verdana 11px, as shields.io sets badges: widths (px) of the narrow and wide characters;
# the rest count as AVERAGE. An estimate: a badge a few pixels too wide reads the same.
NARROW: Final = frozenset("fijlrt.,:;!|'() ")
WIDE: Final = frozenset("mwMW@%")
AVERAGE: Final = 7.0
PADDING: Final = 10


def _width(text: str) -> int:
    return PADDING + round(
        sum(4.0 if c in NARROW else 10.0 if c in WIDE else AVERAGE for c in text)
    )


def svg(badge: Badge, *, title: str) -> bytes:
    """The flat badge; every text is escaped (an asset's URN or a health message may hold
    <, & or quotes)."""
    left, right = _width(badge.label), _width(badge.message)
    total = left + right
    label, message = escape(badge.label), escape(badge.message)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" \
role="img" aria-label={quoteattr(f"{badge.label}: {badge.message}")}>\
<title>{escape(title)}</title>\
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>\
<stop offset="1" stop-opacity=".1"/></linearGradient>\
<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>\
<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>\
<rect x="{left}" width="{right}" height="20" fill="{badge.color.hex}"/>\
<rect width="{total}" height="20" fill="url(#s)"/></g>\
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" \
font-size="11">\
<text x="{left / 2}" y="15" fill="#010101" fill-opacity=".3">{label}</text>\
<text x="{left / 2}" y="14">{label}</text>\
<text x="{left + right / 2}" y="15" fill="#010101" fill-opacity=".3">{message}</text>\
<text x="{left + right / 2}" y="14">{message}</text></g></svg>""".encode()


def endpoint_json(badge: Badge) -> bytes:
    """shields.io's endpoint badge: https://img.shields.io/endpoint?url=<this URL> draws it."""
    return orjson.dumps(
        {
            "schemaVersion": 1,
            "label": badge.label,
            "message": badge.message,
            "color": badge.color.value,
        }
    )


__all__ = ["endpoint_json", "svg"]

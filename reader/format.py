"""Small shared ways of showing values: ages, dates, scores."""

from __future__ import annotations

from datetime import datetime, timezone


def number(value: float | int | None) -> int | float | None:
    """34.0 -> 34; None stays None (scores are stored as REAL)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def score(value: float | int | None) -> str:
    shown = number(value)
    if shown is None:
        return "–"
    return str(shown) if isinstance(shown, int) else f"{shown:.1f}"


def age(when: datetime | None, now: datetime | None = None) -> str:
    """'5m', '3h', '2d', then the date once it is more than a week old."""
    if when is None:
        return "–"
    now = now or datetime.now(timezone.utc)
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return when.strftime("%Y-%m-%d")
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    if when.year == now.year:
        return when.strftime("%b %d")
    return when.strftime("%b %Y")


def relative(when: datetime | None, now: datetime | None = None) -> str:
    """'3 hours ago', '2 days ago', '5 months ago'."""
    if when is None:
        return ""
    now = now or datetime.now(timezone.utc)
    seconds = (now - when).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for size, unit in ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def absolute(when: datetime | None) -> str:
    if when is None:
        return "no date"
    return when.strftime("%Y-%m-%d %H:%M UTC")


QUALITY_BANDS = (80, 50, 25, 10)  # the lower bounds of the bands a quality score is shown in


def quality_band(quality: float | None) -> int | None:
    """Which band a quality score falls in: 0 for 80 and above, then 50, 25,
    10 and below 10 (4); None for no score. The list and `reader list` colour
    a score by its band, each in its own palette."""
    if quality is None:
        return None
    for band, bound in enumerate(QUALITY_BANDS):
        if quality >= bound:
            return band
    return len(QUALITY_BANDS)


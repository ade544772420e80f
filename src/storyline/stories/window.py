"""The time window of story clustering: which articles are still comparable.

The window's clock is the median publication time of the last 101 dated articles, not the
latest one: a feed's misdated article (a year ahead) must not evict everything.
"""

from __future__ import annotations

from collections import deque

from storyline.data import parse_instant


def parse_time(value: str | None) -> float | None:
    """Epoch seconds of an ISO-8601 date/time (naive means UTC); None when absent or unparseable."""
    dt = parse_instant(value)
    return None if dt is None else dt.timestamp()


class WindowClock:
    """``observe(t) -> cut``: articles published before ``cut`` have left the window.

    ``window_s`` None: no window (every cut is None). An undated article (``t`` None) moves
    nothing and cuts nothing.
    """

    __slots__ = ("window_s", "_recent")

    def __init__(self, window_s: float | None, keep: int = 101):
        self.window_s = window_s
        self._recent: deque[float] = deque(maxlen=keep)

    def observe(self, t: float | None) -> float | None:
        """Add one dated article to the clock; the eviction cut-off now in force."""
        if t is None or self.window_s is None:
            return None
        self._recent.append(t)
        return self.cut

    @property
    def cut(self) -> float | None:
        """The current cut-off (None: no window, or no dated article yet)."""
        if self.window_s is None or not self._recent:
            return None
        return sorted(self._recent)[(len(self._recent) - 1) // 2] - self.window_s

"""The time window of story clustering: which articles are still comparable.

The window's clock is a high quantile (0.9) of the publication times of the last 1,001 dated
articles, not the latest one nor the median of a few: a feed's misdated articles (weeks or a
year ahead), and the sparse tail of a corpus sorted by date, must not evict everything. Up to a
tenth of the recent articles may lie ahead of the clock without moving it.

Eviction is per story (see :class:`storyline.stories.tracker.StoryTracker`): an article leaves
when it is older than the window *and* its story is closed (its last article is older than the
window) or the article is older than the window relative to its own story's last article. So an
out-of-order article dated inside a live story's window still finds that story's recent members.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque

from storyline.data import parse_instant


def parse_time(value: str | None) -> float | None:
    """Epoch seconds of an ISO-8601 date/time (naive means UTC); None when absent or unparseable."""
    dt = parse_instant(value)
    return None if dt is None else dt.timestamp()


class WindowClock:
    """``observe(t) -> cut``: articles published before ``cut`` have left the window.

    ``window_s`` None: no window (every cut is None). An undated article (``t`` None) moves
    nothing and cuts nothing. ``keep``: how many recent dated articles the clock looks at;
    ``quantile``: which of their times is "now" (a fraction ``1 - quantile`` may be outliers).
    """

    __slots__ = ("window_s", "quantile", "_recent", "_sorted")

    def __init__(self, window_s: float | None, keep: int = 1001, quantile: float = 0.9):
        self.window_s = window_s
        self.quantile = quantile
        self._recent: deque[float] = deque(maxlen=keep)
        self._sorted: list[float] = []

    def observe(self, t: float | None) -> float | None:
        """Add one dated article to the clock; the eviction cut-off now in force."""
        if t is None or self.window_s is None:
            return None
        recent = self._recent
        if len(recent) == recent.maxlen:
            old = recent[0]
            del self._sorted[bisect_left(self._sorted, old)]
        recent.append(t)
        insort(self._sorted, t)
        return self.cut

    @property
    def now(self) -> float | None:
        """The clock's time (None: no dated article yet)."""
        s = self._sorted
        if not s:
            return None
        return s[int(self.quantile * (len(s) - 1))]

    @property
    def cut(self) -> float | None:
        """The current cut-off (None: no window, or no dated article yet)."""
        now = self.now
        if self.window_s is None or now is None:
            return None
        return now - self.window_s

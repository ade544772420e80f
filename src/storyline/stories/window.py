"""The time window of story clustering: which articles are still comparable.

The window's clock is the earlier of the median of the last 101 dated articles and the
101st-latest publication time among the last 1,001, not the latest one: a feed's misdated articles (weeks or a year
ahead), and the sparse tail of a corpus sorted by date (the demo corpus has 52 distractors
spread over the two months after its six busy days), must not evict everything. Up to a tenth
of the recent articles (at most 100) may lie ahead of the clock without moving it; the price is
that an ordered stream holds about 100 articles more than the window itself.

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


class _Recent:
    """The last ``keep`` values, also kept sorted (for order statistics)."""

    __slots__ = ("values", "sorted")

    def __init__(self, keep: int):
        self.values: deque[float] = deque(maxlen=keep)
        self.sorted: list[float] = []

    def add(self, t: float) -> None:
        if len(self.values) == self.values.maxlen:
            del self.sorted[bisect_left(self.sorted, self.values[0])]
        self.values.append(t)
        insort(self.sorted, t)


class WindowClock:
    """``observe(t) -> cut``: articles published before ``cut`` have left the window.

    ``window_s`` None: no window (every cut is None). An undated article (``t`` None) moves
    nothing and cuts nothing. "Now" is the earlier of two order statistics, so outliers must
    defeat both: the median of the last ``short`` dated articles (holds a small stream against
    one misdated article) and, among the last ``keep``, the time that at most ``ahead`` are
    later than (a tenth of them while fewer than ``10 * ahead`` were seen; holds against a
    sparse tail of a date-sorted corpus or a feed's trickle of misdated articles).
    """

    __slots__ = ("window_s", "ahead", "_short", "_long")

    def __init__(self, window_s: float | None, keep: int = 1001, ahead: int = 100,
                 short: int = 101):
        self.window_s = window_s
        self.ahead = ahead
        self._short = _Recent(short)
        self._long = _Recent(keep)

    def observe(self, t: float | None) -> float | None:
        """Add one dated article to the clock; the eviction cut-off now in force."""
        if t is None or self.window_s is None:
            return None
        self._short.add(t)
        self._long.add(t)
        return self.cut

    @property
    def memory(self) -> int:
        """Dated articles the clock remembers: replaying a time-ordered stream from this many
        dated articles back gives the same clock from then on (Spark's block replay)."""
        keep = self._long.values.maxlen
        assert keep is not None
        return keep

    @property
    def lag(self) -> int:
        """In a time-ordered stream, "now" is never earlier than the time of the dated
        article ``lag`` places before the latest (so the window's edge is at least that time
        minus the window)."""
        short = self._short.values.maxlen
        assert short is not None
        return max(self.ahead, (short - 1) - (short - 1) // 2)

    @property
    def now(self) -> float | None:
        """The clock's time (None: no dated article yet)."""
        short, long = self._short.sorted, self._long.sorted
        if not long:
            return None
        median = short[(len(short) - 1) // 2]
        return min(median, long[len(long) - 1 - min(self.ahead, len(long) // 10)])

    @property
    def cut(self) -> float | None:
        """The current cut-off (None: no window, or no dated article yet)."""
        now = self.now
        if self.window_s is None or now is None:
            return None
        return now - self.window_s

"""Where the corpus's shingle sets live between featurizing and verifying: memory up to a
budget, then a temporary file."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import numpy as np

from storyline.kernels import kernel


class ShingleStore:
    """Shingle sets of the whole corpus: in memory up to a budget, then in a temporary file.

    Verification needs exact sets of only the articles in candidate pairs; spilling keeps
    peak memory bounded on corpora whose sets do not fit.
    """

    def __init__(self, max_bytes: int = 512 << 20):
        self.max_bytes = max_bytes
        self._chunks: list[np.ndarray] = []
        self._bytes = 0
        self._starts: list[np.ndarray] = []  # global element offset of each document
        self._total = 0
        self._file: Any = None
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def add(self, flat: np.ndarray, offsets: np.ndarray) -> None:
        self._starts.append(offsets[:-1] + self._total)
        self._total += int(offsets[-1])
        self._n += offsets.shape[0] - 1
        flat = np.ascontiguousarray(flat, dtype=np.uint32)
        if self._file is None and self._bytes + flat.nbytes > self.max_bytes:
            # lives until close(): spans many calls, so no context manager
            self._file = tempfile.TemporaryFile(prefix="storyline-shingles-")  # noqa: SIM115
            for chunk in self._chunks:
                self._file.write(chunk.tobytes())
            self._chunks = []
        if self._file is not None:
            self._file.write(flat.tobytes())
        else:
            self._chunks.append(flat)
            self._bytes += flat.nbytes

    def finish(self) -> None:
        """Seal the store for reading (call once after the last :meth:`add`)."""
        self.starts = np.concatenate([*self._starts, np.array([self._total], dtype=np.int64)])
        self._starts = []
        if self._file is not None:
            self._file.flush()
        # in memory, chunks stay separate (no concatenated copy): element offset of each
        sizes = np.array([c.shape[0] for c in self._chunks], dtype=np.int64)
        self._chunk_starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def gather(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets of ``docs`` (sorted unique indices) as one ``(flat, offsets)`` batch."""
        lo, hi = self.starts[docs], self.starts[docs + 1]
        sizes = hi - lo
        offsets = np.zeros(docs.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        out = np.empty(int(offsets[-1]), dtype=np.uint32)
        if out.size == 0:
            return out, offsets
        if self._file is None:
            # a document never spans chunks (one chunk per added batch); empty sets copy nothing
            which = np.searchsorted(self._chunk_starts, lo, side="right") - 1
            which = np.minimum(which, len(self._chunks) - 1)
            for c in np.unique(which[sizes > 0]):
                sel = np.flatnonzero(which == c)
                _gather_into(
                    out, self._chunks[c], lo[sel] - self._chunk_starts[c], sizes[sel],
                    offsets[sel],
                )
            return out, offsets
        fd = self._file.fileno()
        for j in range(docs.size):
            if sizes[j]:
                data = os.pread(fd, int(sizes[j]) * 4, int(lo[j]) * 4)
                out[offsets[j] : offsets[j + 1]] = np.frombuffer(data, dtype=np.uint32)
        return out, offsets

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@kernel(nogil=True)
def _gather_into(
    out: np.ndarray, chunk: np.ndarray, lo: np.ndarray, sizes: np.ndarray, dst: np.ndarray
) -> None:
    for j in range(lo.shape[0]):
        out[dst[j] : dst[j] + sizes[j]] = chunk[lo[j] : lo[j] + sizes[j]]

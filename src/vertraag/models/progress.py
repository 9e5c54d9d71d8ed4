"""A download progress bar on stderr: redrawn in place on a terminal, a line per step in a log."""

from __future__ import annotations

from typing import Protocol, TextIO

BAR_WIDTH = 30  # characters: fits an 80-column terminal with the figures beside it
LOG_STEP_PERCENT = 10  # without a terminal, one line per this many percent: a readable log
LOG_STEP_BYTES = 10_000_000  # ... or per this many bytes when the total size is unknown
BYTES_PER_MB = 1_000_000


class Progress(Protocol):
    def update(self, done: int, total: int | None) -> None: ...

    def close(self) -> None: ...


class _NoProgress:
    def update(self, done: int, total: int | None) -> None:
        pass

    def close(self) -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()


class ProgressBar:
    """Shows `label [#####-----]  45% 18,2/40,4 MB`; only redraws when the shown figure changes."""

    def __init__(self, stream: TextIO, *, label: str) -> None:
        self._stream = stream
        self._label = label
        self._live = stream.isatty()
        self._last_step: int | None = None

    def update(self, done: int, total: int | None) -> None:
        step = self._step(done, total)
        if step == self._last_step:
            return
        self._last_step = step
        line = self._line(done, total)
        if self._live:
            self._stream.write("\r" + line)
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        if self._live and self._last_step is not None:
            self._stream.write("\n")
            self._stream.flush()

    def _step(self, done: int, total: int | None) -> int:
        if total:
            percent = min(100, done * 100 // total)
            return percent if self._live else percent // LOG_STEP_PERCENT
        return done // BYTES_PER_MB if self._live else done // LOG_STEP_BYTES

    def _line(self, done: int, total: int | None) -> str:
        if not total:
            return f"{self._label} {megabytes(done)} MB"
        fraction = min(1.0, done / total)
        filled = round(fraction * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return f"{self._label} [{bar}] {fraction:4.0%} {megabytes(done)}/{megabytes(total)} MB"


def megabytes(n_bytes: int) -> str:
    """A size in MB as a Dutch figure, one decimal after a comma: `18,2`."""
    return f"{n_bytes / BYTES_PER_MB:.1f}".replace(".", ",")

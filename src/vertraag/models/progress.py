"""A download progress bar on stderr (tqdm): redrawn in place on a terminal, a line now and then in a log."""

from __future__ import annotations

from typing import NoReturn, Protocol, TextIO

from tqdm import tqdm

BAR_WIDTH = 30  # characters: fits an 80-column terminal with the figures beside it
BAR_CHARS = "-#"  # empty, full: plain ASCII, readable in any terminal and log
LOG_INTERVAL_S = 5.0  # without a terminal, at most one line this often (plus the first and the last)
BYTES_PER_MB = 1_000_000
BAR_FORMAT = f"{{desc}} [{{bar:{BAR_WIDTH}}}] {{percentage:3.0f}}% {{n_fmt}}B/{{total_fmt}}B"
NO_TOTAL_FORMAT = "{desc} {n_fmt}B"  # the server did not say how big the file is


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
    """tqdm's bar: `label [#####-----]  45% 18.2MB/40.4MB`. Without a terminal each redraw is its own line."""

    def __init__(self, stream: TextIO, *, label: str) -> None:
        self._stream = stream
        self._label = label
        self._bar: tqdm[NoReturn] | None = None

    def update(self, done: int, total: int | None) -> None:
        if self._bar is None:
            self._bar = self._open(total)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def _open(self, total: int | None) -> tqdm[NoReturn]:
        live = self._stream.isatty()
        return tqdm(
            total=total or None,
            desc=self._label,
            file=self._stream if live else _Lines(self._stream),
            unit="B",
            unit_scale=True,
            unit_divisor=1000,
            ascii=BAR_CHARS,
            bar_format=BAR_FORMAT if total else NO_TOTAL_FORMAT,
            mininterval=0.1 if live else LOG_INTERVAL_S,
            leave=True,
        )


class _Lines:
    """A stream for a log: tqdm's in-place redraws ("\r...") become one line each."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> None:
        line = text.replace("\r", "").strip()
        if line:
            self._stream.write(line + "\n")

    def flush(self) -> None:
        self._stream.flush()


def megabytes(n_bytes: int) -> str:
    """A size in MB as a Dutch figure, one decimal after a comma: `18,2`."""
    return f"{n_bytes / BYTES_PER_MB:.1f}".replace(".", ",")

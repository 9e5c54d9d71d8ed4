"""Figures of this process: CPU seconds, resident memory, and percentiles of a list of latencies."""

from __future__ import annotations

import resource
from pathlib import Path
from typing import Any

import numpy as np

KB_PER_MB = 1024  # ru_maxrss and /proc's VmRSS are in kilobytes on Linux
DECIMALS = 3  # milliseconds, for seconds


def cpu_seconds() -> float:
    """User + system CPU time of this process so far, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """The peak resident memory of this program. Linux's `ru_maxrss` survives `exec`, so a part started by
    the (larger) benchmark process would report the parent's size; VmHWM belongs to this program alone."""
    return _status_mb("VmHWM:")


def rss_mb() -> float:
    """Resident memory now (not the peak)."""
    return _status_mb("VmRSS:")


def _status_mb(field: str) -> float:
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / KB_PER_MB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KB_PER_MB  # not Linux: the best there is


def spread(values: list[float]) -> dict[str, Any]:
    """n, p50, p95 and max of `values` in seconds (None when there are none)."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    return {
        "n": len(values),
        "p50": round(float(np.percentile(values, 50)), DECIMALS),
        "p95": round(float(np.percentile(values, 95)), DECIMALS),
        "max": round(max(values), DECIMALS),
    }

"""Peak memory of one step, measured for real.

On a CPU: the process's resident set size (RSS) is sampled by a thread every millisecond while the
step runs; the figure is the peak minus the RSS just before (what the step itself needed). Run each
measurement in a fresh process: memory a process has freed often stays in its RSS, so a second
measurement in the same process would under-read. On CUDA: ``torch.cuda.max_memory_allocated``
after a reset, minus what was allocated before.
"""
from __future__ import annotations

import threading
import time

MB = 1024 * 1024


class PeakRSS:
    """Context manager: ``peak_mb`` = max RSS while inside − RSS on entry (MB)."""

    def __init__(self, interval_s: float = 0.001):
        import psutil

        self.process, self.interval_s = psutil.Process(), interval_s

    def __enter__(self):
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(self.interval_s)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)
        self.peak_mb = (self.peak - self.start) / MB
        self.baseline_mb = self.start / MB


def peak_step_memory_mb(step, device) -> dict:
    """Run ``step()`` once; the extra memory it needed at its peak, and how it was measured."""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        t = time.perf_counter()
        step()
        torch.cuda.synchronize(device)
        return {"peak_mb": (torch.cuda.max_memory_allocated(device) - before) / MB,
                "seconds": time.perf_counter() - t, "measure": "torch.cuda.max_memory_allocated"}
    with PeakRSS() as watch:
        t = time.perf_counter()
        step()
        seconds = time.perf_counter() - t
    return {"peak_mb": watch.peak_mb, "seconds": seconds, "baseline_mb": watch.baseline_mb,
            "measure": "peak RSS (psutil) during the step"}

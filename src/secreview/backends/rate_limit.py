"""A request rate limit shared by all threads using a backend: a token bucket.

The bucket holds at most `burst` tokens and gains `rate` tokens per second; each request takes one,
waiting until there is one. Implemented as the equivalent "theoretical arrival time" (GCRA): one
timestamp under a lock, no background thread.
"""

from __future__ import annotations

import threading
import time


class RateLimiter:
    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a rate limit needs rate > 0 and burst >= 1, not {rate} and {burst}")
        self.rate = rate
        self.burst = burst
        self._interval = 1.0 / rate
        self._next = time.monotonic()  # when the bucket would be full again if nothing else were taken
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until one is there; returns the seconds waited."""
        with self._lock:
            now = time.monotonic()
            due = max(self._next, now)
            wait = max(due - (self.burst - 1) * self._interval - now, 0.0)
            self._next = due + self._interval
        if wait > 0:
            time.sleep(wait)
        return wait

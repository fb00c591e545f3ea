"""Retrying what may pass (429, 5xx, timeouts, dropped connections): exponential backoff with
jitter, honouring Retry-After, bounded in attempts and in each wait."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up on one request."""

    attempts: int = 6
    base_delay: float = 1.0  # seconds before the first retry, doubled each time
    max_delay: float = 30.0  # no single wait is longer, whatever Retry-After asks
    timeout: float = 15.0  # per request

    def delay(self, attempt: int, retry_after: float | None, jitter: float) -> float:
        """Seconds to wait before retry number `attempt` (1-based); jitter in [0, 1) spreads clients apart."""
        backoff = self.base_delay * 2 ** (attempt - 1) * (0.5 + jitter / 2)
        return min(self.max_delay, max(backoff, retry_after or 0.0))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header, given as seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

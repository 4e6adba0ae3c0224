"""Telegram-like flood control for sending methods (off unless a test or the sandbox turns it on)."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimit:
    """Sliding-window limits: overall per second, per chat per second and per group per minute.

    Telegram documents ~30 messages/s overall, ~1 message/s in one chat and 20 messages/min in one group.
    """

    per_second: int | None = 30
    per_chat_per_second: int | None = 1
    per_group_per_minute: int | None = 20
    _overall: deque[float] = field(default_factory=deque, init=False)
    _chats: dict[int, deque[float]] = field(default_factory=dict, init=False)
    _groups: dict[int, deque[float]] = field(default_factory=dict, init=False)

    def acquire(self, chat_id: int, is_group: bool, now: float | None = None) -> int | None:
        """Count one message; return retry_after seconds instead when a limit is already reached."""
        now = time.monotonic() if now is None else now
        windows = [(self._overall, self.per_second, 1.0)]
        windows.append((self._chats.setdefault(chat_id, deque()), self.per_chat_per_second, 1.0))
        if is_group:
            windows.append((self._groups.setdefault(chat_id, deque()), self.per_group_per_minute, 60.0))
        waits = [_wait(times, limit, span, now) for times, limit, span in windows if limit]
        if any(waits):
            return max(waits)
        for times, _limit, _span in windows:
            times.append(now)
        return None


def _wait(times: deque[float], limit: int, span: float, now: float) -> int:
    while times and times[0] <= now - span:
        times.popleft()
    if len(times) < limit:
        return 0
    return max(1, math.ceil(times[0] + span - now))

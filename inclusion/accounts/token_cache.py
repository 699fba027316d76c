"""The callers behind API tokens, remembered for a few seconds by each process.

An integration (the national tool's synchronisation, a script) sends its requests with one token; looking the
token up again at each one was a query and a round trip that cost as much as the rest of a simple request. A
token found live is kept `seconds` (`INCLUSION_TOKEN_CACHE_SECONDS`, 0 turns it off), under its SHA-256 digest,
never its text. A token not found is never kept: a new one works at once.

Whatever changes what a token may do (a revocation, an account's role, sites or deactivation, a funder's grants)
calls `forget_all` in the process that made the change, so its next request is looked up again. A look-up that
started before such a change keeps nothing (`era`): it may have read the account as it was. Other worker
processes keep what they hold for at most `seconds`: the delay a revocation may take to reach every worker.
"""

from __future__ import annotations

import time
import weakref

from inclusion.scoping import Caller

_caches: weakref.WeakSet[TokenCache] = weakref.WeakSet()
_era = 0  # how many times `forget_all` ran in this process
MOST = 10_000  # tokens held at once; beyond, the oldest half is dropped


class TokenCache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._callers: dict[str, tuple[float, Caller]] = {}
        _caches.add(self)

    def get(self, digest: str) -> Caller | None:
        held = self._callers.get(digest)
        if held is None:
            return None
        if held[0] <= time.monotonic():
            del self._callers[digest]
            return None
        return held[1]

    def keep(self, digest: str, caller: Caller, read_in: int) -> None:
        """Hold `caller`, read while `era()` was `read_in`, unless something changed since."""
        if self.seconds <= 0 or read_in != _era:
            return
        if len(self._callers) >= MOST:
            for old in list(self._callers)[: MOST // 2]:
                del self._callers[old]
        self._callers[digest] = (time.monotonic() + self.seconds, caller)

    def clear(self) -> None:
        self._callers.clear()


def era() -> int:
    return _era


def forget_all() -> None:
    """Every cache of this process forgets every token: the next request of each is looked up again."""
    global _era
    _era += 1
    for cache in list(_caches):
        cache.clear()

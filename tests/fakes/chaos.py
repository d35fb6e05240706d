"""A fault mode for the fake platforms: a seeded share of calls fails, each in one of the
ways a real platform and the network between fail.

    tg.chaos = Chaos(fraction=0.3, seed=1, hang=0.4)

Every call the fake serves (after its own fault rules) draws from the seeded generator; a
struck call is answered with a 429 and its retry window, a 500, an HTML error page from a
proxy, a dropped connection, or no answer at all until the connection is closed (`hang`
real seconds, longer than the client's timeout). None of them takes effect, so a client
that tries again sends each message once.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

ChaosKind = Literal["rate_limit", "server_error", "html_page", "disconnect", "timeout"]
KINDS: tuple[ChaosKind, ...] = ("rate_limit", "server_error", "html_page", "disconnect", "timeout")
HTML_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


@dataclass
class Chaos:
    """Which calls fail and how: `fraction` of the calls to `methods` (None: every method)."""

    fraction: float = 0.3
    seed: int = 0
    methods: frozenset[str] | None = None
    kinds: tuple[ChaosKind, ...] = KINDS
    retry_after: int = 1
    hang: float = 0.5
    struck: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def strike(self, method: str) -> ChaosKind | None:
        """How this call of method fails, or None when it goes through; counts the strike."""
        if self.methods is not None and method not in self.methods:
            return None
        if self._random.random() >= self.fraction:
            return None
        kind = self._random.choice(self.kinds)
        self.struck[kind] += 1
        return kind

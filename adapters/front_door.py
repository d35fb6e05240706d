"""The one port through which every adapter (console, Telegram, Slack) reaches the core.

Adapters depend on this Protocol rather than on `core.app.Gotong`, so each can be tested
against a hand-written fake and none reaches past the front door into the core's insides.
"""

from __future__ import annotations

from typing import Protocol

from core.language.i18n import Catalog
from core.messages import Incoming, Reply


class FrontDoor(Protocol):
    """What an adapter needs of the core (core.app.Gotong)."""

    catalog: Catalog

    def handle(self, incoming: Incoming) -> list[Reply]: ...

    def receive(self, incoming: Incoming) -> bool: ...

    def process(self, platform: str, event_id: str, *, answering: bool = True) -> list[Reply]: ...

    def pending(self, platform: str, limit: int = 100) -> list[str]: ...

    def not_received(self, incoming: Incoming) -> list[Reply]: ...

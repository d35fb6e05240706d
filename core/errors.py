"""Errors a person caused: each carries a message key and the values its template needs."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A request that cannot be carried out; `key` names the template that explains why."""

    def __init__(
        self, key: str, *, corrections: tuple[tuple[str, str], ...] = (), **params: Any
    ) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        # (typed, suggested) words: the reply offers the same message with them replaced.
        self.corrections = corrections

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r})"

"""Who a Slack user is (name, username, locale), from users.info, remembered for an hour.

An enrichment: a message is never held up or dropped because Slack would not say.
"""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.outbox import error_name
from adapters.slack.translate import Profile, profile_of
from core.eventlog import event

log = logging.getLogger("gotong.slack")

PROFILE_TTL = 3600.0  # seconds a users.info answer is trusted
PROFILE_CACHE = 5000


class Profiles:
    """users.info answers, cached; the oldest forgotten first when the cache is full."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._profiles: dict[str, tuple[float, Profile]] = {}

    async def of(self, user_id: str) -> Profile:
        """Name, username and locale from users.info (cached; empty if Slack will not say)."""
        cached = self._profiles.get(user_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < PROFILE_TTL:
            return cached[1]
        try:
            response = await self._client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:  # e.g. missing_scope: asking again will not help
            event(log, "slack.profile_refused", user=user_id, error=error_name(error))
            self._remember(user_id, now, Profile())
            return Profile()
        except Exception as error:
            event(log, "slack.profile_failed", user=user_id, error=error_name(error))
            return Profile()
        profile = profile_of(response.get("user"))
        self._remember(user_id, now, profile)
        return profile

    def _remember(self, user_id: str, at: float, profile: Profile) -> None:
        self._profiles.pop(user_id, None)
        if len(self._profiles) >= PROFILE_CACHE:
            self._profiles.pop(next(iter(self._profiles)))  # the oldest
        self._profiles[user_id] = (at, profile)

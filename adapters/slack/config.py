"""What the Slack adapter is told at start-up, and what it cannot start without."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.pacing import REPLY_RATE_LIMIT_RETRIES


class SlackStartError(RuntimeError):
    """Slack could not be reached, refused the token, or the settings name no way to listen."""


@dataclass(frozen=True)
class SlackConfig:
    """What the adapter needs to know; the runner fills it from Settings."""

    bot_token: str = field(repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    api_base_url: str = "https://slack.com/api/"
    http_listen: str = "0.0.0.0:3000"
    http_path: str = "/slack/events"
    command: str = "/gotong"
    # 429s a reply waits out (Retry-After, in real time) before it is given up.
    reply_rate_limit_retries: int = REPLY_RATE_LIMIT_RETRIES
    # Seconds a Web API call may take before it counts as lost (slack_sdk's default).
    request_timeout: float = 30.0
    # Slack's pace for posting to one channel.
    channel_per_second: float = 1.0

    @property
    def socket_mode(self) -> bool:
        """Socket Mode whenever an app-level token is given; HTTP otherwise."""
        return bool(self.app_token)

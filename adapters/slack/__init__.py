"""The Slack adapter: events, commands and clicks in; Block Kit replies and the outbox out."""

from adapters.slack.app import SlackAdapter, SlackConfig, SlackStartError
from adapters.slack.translate import PLATFORM

__all__ = ["PLATFORM", "SlackAdapter", "SlackConfig", "SlackStartError"]

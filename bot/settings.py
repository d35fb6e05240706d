"""Settings from the environment and a .env file; nothing else reads os.environ."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Telegram's alphabet for a webhook's secret_token (at most 256 characters); 32 at least, so it
# cannot be guessed.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{32,256}")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Every knob Gotong has; .env.example documents each one."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///gotong.db", validation_alias="GOTONG_DATABASE_URL")
    timezone: str = Field("Asia/Jakarta", validation_alias="GOTONG_TIMEZONE")
    language: str = Field("id", validation_alias="GOTONG_LANGUAGE")
    log_level: str = Field("WARNING", validation_alias="GOTONG_LOG_LEVEL")
    outbox_sweep_seconds: float = Field(5.0, validation_alias="GOTONG_OUTBOX_SWEEP_SECONDS")
    # How long a claimed message (or a reply being sent) waits before another worker takes it
    # over: the crash window in which a message may be sent twice.
    outbox_lease_seconds: float = Field(120.0, gt=0, validation_alias="GOTONG_OUTBOX_LEASE_SECONDS")
    # Sent messages older than this are deleted by the hourly housekeeping (those whose key
    # nothing can make again: core/delivery/pruning.py); at least MIN_RETENTION there.
    outbox_retention_days: int = Field(30, ge=14, validation_alias="GOTONG_OUTBOX_RETENTION_DAYS")
    reminder_too_late_hours: float = Field(12.0, validation_alias="GOTONG_REMINDER_TOO_LATE_HOURS")
    # Where the console writes the files messages carry (a digest's chart) and prints their path.
    files_dir: Path = Field(
        default_factory=lambda: Path(tempfile.gettempdir()) / "gotong-files",
        validation_alias="GOTONG_FILES_DIR",
    )

    telegram_bot_token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL"
    )
    telegram_file_base_url: str = Field(
        "https://api.telegram.org/file/bot", validation_alias="TELEGRAM_FILE_BASE_URL"
    )
    telegram_webhook_url: str | None = Field(None, validation_alias="GOTONG_TELEGRAM_WEBHOOK_URL")
    telegram_webhook_listen: str = Field(
        "0.0.0.0:8443", validation_alias="GOTONG_TELEGRAM_WEBHOOK_LISTEN"
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias="GOTONG_TELEGRAM_WEBHOOK_SECRET"
    )

    # Platform limits Gotong sends within (Telegram's and Slack's published rates).
    telegram_private_per_second: float = Field(
        1.0, validation_alias="GOTONG_TELEGRAM_PRIVATE_PER_SECOND"
    )
    telegram_group_per_minute: int = Field(20, validation_alias="GOTONG_TELEGRAM_GROUP_PER_MINUTE")
    telegram_per_second: int = Field(30, validation_alias="GOTONG_TELEGRAM_PER_SECOND")
    slack_channel_per_second: float = Field(1.0, validation_alias="GOTONG_SLACK_CHANNEL_PER_SECOND")

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_base_url: str = Field("https://slack.com/api/", validation_alias="SLACK_API_BASE_URL")
    slack_http_listen: str = Field("0.0.0.0:3000", validation_alias="GOTONG_SLACK_HTTP_LISTEN")
    slack_http_path: str = Field("/slack/events", validation_alias="GOTONG_SLACK_HTTP_PATH")

    whatsapp_token: SecretStr | None = Field(None, validation_alias="WHATSAPP_TOKEN")
    whatsapp_phone_number_id: str | None = Field(None, validation_alias="WHATSAPP_PHONE_NUMBER_ID")
    whatsapp_app_secret: SecretStr | None = Field(None, validation_alias="WHATSAPP_APP_SECRET")
    whatsapp_verify_token: SecretStr | None = Field(None, validation_alias="WHATSAPP_VERIFY_TOKEN")
    whatsapp_api_base_url: str = Field(
        "https://graph.facebook.com/v23.0", validation_alias="WHATSAPP_API_BASE_URL"
    )
    whatsapp_webhook_listen: str = Field(
        "0.0.0.0:8080", validation_alias="GOTONG_WHATSAPP_WEBHOOK_LISTEN"
    )
    whatsapp_webhook_path: str = Field("/whatsapp", validation_alias="GOTONG_WHATSAPP_WEBHOOK_PATH")
    # The Cloud API's limits: messages a second for the business number (80 by default), and
    # to one person (Meta asks for about one every 6 seconds in a burst; 1 a second is allowed).
    whatsapp_per_second: float = Field(80.0, gt=0, validation_alias="GOTONG_WHATSAPP_PER_SECOND")
    whatsapp_recipient_per_second: float = Field(
        1.0, gt=0, validation_alias="GOTONG_WHATSAPP_RECIPIENT_PER_SECOND"
    )
    # The approved template that tells someone outside the 24-hour window that messages wait.
    whatsapp_waiting_template: str = Field(
        "gotong_pesan_menunggu", validation_alias="GOTONG_WHATSAPP_WAITING_TEMPLATE"
    )

    @field_validator("log_level")
    @classmethod
    def _logging_knows_the_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("whatsapp_webhook_path")
    @classmethod
    def _webhook_path_is_a_path(cls, value: str) -> str:
        return _is_path(value)

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_accepts_the_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 32 to 256 characters of A-Z a-z 0-9 _ -")
        return value


def _is_path(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError("must be a path starting with /")
    return value


def explain(error: ValidationError) -> str:
    """What is wrong with the settings, one line a key, without the values given (secrets)."""
    lines = []
    for problem in error.errors(include_url=False, include_input=False, include_context=False):
        key = ".".join(str(part) for part in problem["loc"])
        lines.append(f"{key}: {problem['msg']}")
    return "\n".join(lines)

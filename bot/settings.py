"""Settings from the environment and a .env file; nothing else reads os.environ."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    reminder_too_late_hours: float = Field(12.0, validation_alias="GOTONG_REMINDER_TOO_LATE_HOURS")

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

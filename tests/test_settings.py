"""Settings refuse values that would fail later, and say why without repeating a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings, explain

GOOD_SECRET = "A" * 16 + "b-c_" + "9" * 12  # 32 characters of Telegram's alphabet


class TestTelegramWebhookSecret:
    """GOTONG_TELEGRAM_WEBHOOK_SECRET: 32 to 256 characters of A-Z a-z 0-9 _ -."""

    @pytest.mark.parametrize(
        "secret",
        ["abc", "x" * 31, "a" * 257, "rahasia bersama " * 3, "rahasia:bersama" * 3, "é" * 40],
        ids=["three", "thirty-one", "too-long", "space", "colon", "non-ascii"],
    )
    def test_a_secret_telegram_would_refuse_or_a_short_one_is_refused(self, secret: str) -> None:
        """The error names the setting and the rule, never the secret itself."""
        with pytest.raises(ValidationError) as refused:
            Settings(GOTONG_TELEGRAM_WEBHOOK_SECRET=secret)

        message = explain(refused.value)
        assert "GOTONG_TELEGRAM_WEBHOOK_SECRET" in message
        assert "32" in message and "A-Z a-z 0-9 _ -" in message
        assert secret not in message

    @pytest.mark.parametrize("secret", [GOOD_SECRET, "Z" * 256, ""], ids=["32", "256", "unset"])
    def test_a_good_or_empty_secret_is_taken(self, secret: str) -> None:
        """32 and 256 characters are fine; an empty value means no secret (a random one)."""
        settings = Settings(GOTONG_TELEGRAM_WEBHOOK_SECRET=secret)

        assert settings.telegram_webhook_secret is not None
        assert settings.telegram_webhook_secret.get_secret_value() == secret


class TestLogLevel:
    def test_a_level_logging_does_not_know_is_refused(self) -> None:
        """A typo in GOTONG_LOG_LEVEL is a settings error, not a traceback at start-up."""
        with pytest.raises(ValidationError) as refused:
            Settings(GOTONG_LOG_LEVEL="verbose")

        assert "GOTONG_LOG_LEVEL: Value error, must be one of DEBUG" in explain(refused.value)

    def test_the_level_is_read_in_any_case(self) -> None:
        assert Settings(GOTONG_LOG_LEVEL="debug").log_level == "DEBUG"


class TestCommandLine:
    def test_a_bad_setting_stops_the_command_with_a_clear_message(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`gotong run` with a 3-character webhook secret: exit 2, the rule, no secret, no trace."""
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("GOTONG_DATABASE_URL", "sqlite:///cli.db")
        monkeypatch.setenv("GOTONG_TELEGRAM_WEBHOOK_SECRET", "Qz7")

        result = CliRunner().invoke(app, ["run"])

        assert result.exit_code == 2, result.output
        assert "GOTONG_TELEGRAM_WEBHOOK_SECRET" in result.output
        assert "Qz7" not in result.output
        assert isinstance(result.exception, SystemExit)  # a clean exit, not a traceback


class TestWhatsAppSettings:
    """WhatsApp's settings: the webhook path is a path, the secrets are masked."""

    def test_the_webhook_path_must_start_with_a_slash(self) -> None:
        with pytest.raises(ValidationError) as refused:
            Settings(GOTONG_WHATSAPP_WEBHOOK_PATH="whatsapp")
        assert "GOTONG_WHATSAPP_WEBHOOK_PATH: Value error, must be a path" in explain(refused.value)

    def test_defaults_point_at_the_graph_api(self) -> None:
        settings = Settings(WHATSAPP_TOKEN="EAAG-secret-token")
        assert settings.whatsapp_api_base_url == "https://graph.facebook.com/v23.0"
        assert settings.whatsapp_webhook_path == "/whatsapp"
        assert "EAAG-secret-token" not in repr(settings)

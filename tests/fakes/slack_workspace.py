"""Who is in the fake Slack workspace: the app's ids and the people users.info describes."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Workspace:
    """Who the app is in the fake workspace: the ids auth.test and payloads carry."""

    team_id: str = "T0GOTONG"
    team_name: str = "Gotong Test"
    team_domain: str = "gotong-test"
    bot_user_id: str = "U0GOTONGBOT"
    bot_name: str = "gotong"
    bot_id: str = "B0GOTONG"
    app_id: str = "A0GOTONG"

    @property
    def url(self) -> str:
        """The workspace URL auth.test answers."""
        return f"https://{self.team_domain}.slack.com/"


@dataclass(frozen=True)
class SlackUser:
    """A workspace member as users.info describes them."""

    id: str
    display_name: str = ""
    real_name: str = ""
    tz: str = "Asia/Jakarta"
    tz_offset: int = 7 * 3600
    locale: str = "id-ID"
    is_bot: bool = False

    @property
    def name(self) -> str:
        """The legacy handle (Slack derives it from the email; here from the names)."""
        base = self.display_name or self.real_name or self.id
        return base.lower().replace(" ", ".")


def user_object(user: SlackUser, workspace: Workspace, *, include_locale: bool) -> dict[str, Any]:
    """The user as users.info describes them."""
    hours = user.tz_offset / 3600
    body: dict[str, Any] = {
        "id": user.id,
        "team_id": workspace.team_id,
        "name": user.name,
        "deleted": False,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": f"UTC{hours:+g}",
        "tz_offset": user.tz_offset,
        "is_bot": user.is_bot,
        "is_admin": False,
        "profile": {
            "display_name": user.display_name,
            "display_name_normalized": user.display_name,
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "team": workspace.team_id,
        },
    }
    if include_locale:  # Slack sends locale only when asked with include_locale=true
        body["locale"] = user.locale
    return body

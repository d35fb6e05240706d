"""Who a command's news reached, and who it could not reach and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.delivery.claims import Route
from core.models import PartnerOrg, Person


@dataclass
class Reach:
    """The people told about something, and those who could not be, by reason."""

    reached: list[Person] = field(default_factory=list)
    not_on_gotong: list[Person] = field(default_factory=list)  # no account linked at all
    unreachable: list[Person] = field(default_factory=list)  # blocked the bot everywhere
    no_contact: list[PartnerOrg] = field(default_factory=list)  # an organisation nobody speaks for

    def note(self, person: Person, route: Route) -> None:
        """Count one person a notification was queued for."""
        if any(p.id == person.id for p in self.everyone):
            return
        if not route.linked:
            self.not_on_gotong.append(person)
        elif route.blocked:
            self.unreachable.append(person)
        else:
            self.reached.append(person)

    def note_org(self, org: PartnerOrg) -> None:
        """Count an organisation invited or told that has no people on Gotong."""
        if all(o.id != org.id for o in self.no_contact):
            self.no_contact.append(org)

    @property
    def everyone(self) -> list[Person]:
        return [*self.reached, *self.not_on_gotong, *self.unreachable]

    @property
    def missed(self) -> bool:
        """Whether anyone or any organisation could not be told."""
        return bool(self.not_on_gotong or self.unreachable or self.no_contact)

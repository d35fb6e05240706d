"""Flat exports of the domain for reports and backups: moments in ISO 8601 with an offset.

Quantities stay exact Decimals, written as numbers by core.reports.formats.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from core.models import (
    Commitment,
    CommitmentReceipt,
    Deadline,
    FieldUpdate,
    Identity,
    Indicator,
    IndicatorValue,
    Meeting,
    MeetingAttendee,
    OutboxMessage,
    PartnerContact,
    PartnerOrg,
    Person,
    Program,
    ProgramMember,
    Reminder,
    Rsvp,
    Task,
    TaskAssignment,
    UpdateFigure,
)
from core.reports import budget_export

Row = dict[str, Any]


class Exporter:
    """Turns tables into rows of plain values, with moments in one time zone."""

    def __init__(self, session: Session, tz: str) -> None:
        self.session = session
        self.zone = ZoneInfo(tz)
        self.handles = {p.id: p.handle for p in session.exec(select(Person))}
        self.codes = {p.id: p.code for p in session.exec(select(Program))}
        self.orgs = {o.id: o.handle for o in session.exec(select(PartnerOrg))}

    def value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(self.zone).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return value

    def clean(self, row: Row) -> Row:
        return {key: self.value(value) for key, value in row.items()}

    def tasks(self) -> list[Row]:
        rows = []
        for task in self.session.exec(select(Task).order_by(col(Task.id))):
            assignments = self.session.exec(
                select(TaskAssignment).where(TaskAssignment.task_id == task.id)
            )
            rows.append(
                self.clean(
                    {
                        "id": task.id,
                        "title": task.title,
                        "program": self.codes.get(task.program_id),
                        "status": task.status,
                        "due_at": task.due_at,
                        "created_by": self.handles.get(task.created_by_id),
                        "assignees": " ".join(
                            f"{self.handles.get(a.person_id)}:{a.status}" for a in assignments
                        ),
                        "created_at": task.created_at,
                        "closed_at": task.closed_at,
                    }
                )
            )
        return rows

    def meetings(self) -> list[Row]:
        rows = []
        for meeting in self.session.exec(select(Meeting).order_by(col(Meeting.id))):
            attendees = list(
                self.session.exec(
                    select(MeetingAttendee)
                    .where(MeetingAttendee.meeting_id == meeting.id)
                    .order_by(col(MeetingAttendee.id))
                )
            )
            rows.append(
                self.clean(
                    {
                        "id": meeting.id,
                        "title": meeting.title,
                        "program": self.codes.get(meeting.program_id),
                        "starts_at": meeting.starts_at,
                        "duration_minutes": meeting.duration_minutes,
                        "place": meeting.place,
                        "link": meeting.link,
                        "status": meeting.status,
                        "organiser": self.handles.get(meeting.organiser_id),
                        "people": "; ".join(
                            self._person_rsvp(a) for a in attendees if a.person_id is not None
                        ),
                        "organisations": "; ".join(
                            f"{org}:{rsvp}" for org, rsvp in self._org_answers(attendees)
                        ),
                    }
                )
            )
        return rows

    def _person_rsvp(self, row: MeetingAttendee) -> str:
        """A person's answer and the organisation they answered for: "harjo:yes (dinsos)"."""
        answer = f"{self.handles.get(row.person_id)}:{row.rsvp}"
        org = self.orgs.get(row.partner_org_id)
        return f"{answer} ({org})" if org else answer

    def _org_answers(self, attendees: list[MeetingAttendee]) -> list[tuple[str, str]]:
        """Each invited organisation once: yes if any contact comes, else pending, else no."""
        answers: dict[str, list[str]] = {}
        for row in attendees:
            org = self.orgs.get(row.partner_org_id)
            if org is not None:
                answers.setdefault(org, []).append(row.rsvp)
        rank = (Rsvp.YES, Rsvp.PENDING, Rsvp.NO)
        return [
            (org, next((r for r in rank if r in rsvps), rsvps[0])) for org, rsvps in answers.items()
        ]

    def commitments(self) -> list[Row]:
        """Every commitment with what was received against it, whatever its status."""
        received: dict[int, Decimal] = {}
        for receipt in self.session.exec(select(CommitmentReceipt)):
            if receipt.quantity is not None:
                total = received.get(receipt.commitment_id, Decimal(0))
                received[receipt.commitment_id] = total + receipt.quantity
        rows = []
        for c in self.session.exec(select(Commitment).order_by(col(Commitment.id))):
            assert c.id is not None
            rows.append(
                self.clean(
                    {
                        "id": c.id,
                        "program": self.codes.get(c.program_id),
                        "partner": self.orgs.get(c.partner_org_id),
                        "what": c.what,
                        "quantity": c.quantity,
                        "unit": c.unit,
                        "money": c.money,
                        "received": received.get(c.id, Decimal(0)),
                        "status": c.status,
                        "due_at": c.due_at,
                        "proposed_due_at": c.proposed_due_at,
                        "decline_reason": c.decline_reason,
                        "requested_by": self.handles.get(c.requested_by_id),
                        "answered_by": self.handles.get(c.answered_by_id),
                        "answered_at": c.answered_at,
                        "created_at": c.created_at,
                    }
                )
            )
        return rows

    def deadlines(self) -> list[Row]:
        return [
            self.clean(
                {
                    "id": d.id,
                    "title": d.title,
                    "program": self.codes.get(d.program_id),
                    "owner": self.handles.get(d.owner_id),
                    "due_at": d.due_at,
                    "status": d.status,
                }
            )
            for d in self.session.exec(select(Deadline).order_by(col(Deadline.id)))
        ]

    def updates(self) -> list[Row]:
        # One row per update, so counting rows counts updates; its figures sit side by side in
        # quantity/unit, quantity_2/unit_2, ... as many pairs as the update with the most has.
        most = self.session.exec(
            select(func.count()).select_from(UpdateFigure).group_by(col(UpdateFigure.update_id))
        ).all()
        pairs = max([1, *most])
        rows = []
        for update in self.session.exec(select(FieldUpdate).order_by(col(FieldUpdate.id))):
            figures = list(
                self.session.exec(
                    select(UpdateFigure)
                    .where(UpdateFigure.update_id == update.id)
                    .order_by(col(UpdateFigure.id))
                )
            )
            row: Row = {
                "id": update.id,
                "program": self.codes.get(update.program_id),
                "author": self.handles.get(update.author_id),
                "created_at": update.created_at,
                "text": update.text,
                "withdrawn_at": update.withdrawn_at,
                "photo": update.photo_file_id,
                "latitude": update.latitude,
                "longitude": update.longitude,
            }
            for n in range(pairs):
                suffix = f"_{n + 1}" if n else ""
                figure = figures[n] if n < len(figures) else None
                row[f"quantity{suffix}"] = figure.quantity if figure else None
                row[f"unit{suffix}"] = figure.unit if figure else None
            rows.append(self.clean(row))
        return rows

    def indicators(self) -> list[Row]:
        """Every value field updates gave an indicator, withdrawn ones too (with the moment)."""
        indicators = {i.id: i for i in self.session.exec(select(Indicator))}
        rows = []
        for v in self.session.exec(select(IndicatorValue).order_by(col(IndicatorValue.id))):
            indicator = indicators[v.indicator_id]
            rows.append(
                self.clean(
                    {
                        "id": v.id,
                        "program": self.codes.get(indicator.program_id),
                        "indicator": indicator.code,
                        "unit": indicator.unit,
                        "combine": indicator.combine,
                        "region": v.region,
                        "value": v.value,
                        "reporter": self.handles.get(v.reporter_id),
                        "update": v.update_id,
                        "review": v.review,
                        "recorded_at": v.recorded_at,
                        "withdrawn_at": v.withdrawn_at,
                    }
                )
            )
        return rows

    def reminders(self) -> list[Row]:
        return [
            self.clean(
                {
                    "id": r.id,
                    "person": self.handles.get(r.person_id),
                    "text": r.text,
                    "due_at": r.due_at,
                    "status": r.status,
                    "kind": r.kind,
                    "sent_at": r.sent_at,
                }
            )
            for r in self.session.exec(select(Reminder).order_by(col(Reminder.id)))
        ]

    def outbox(self) -> list[Row]:
        return [
            self.clean(
                {
                    "id": m.id,
                    "person": self.handles.get(m.person_id),
                    "dedupe_key": m.dedupe_key,
                    "status": m.status,
                    "due_at": m.due_at,
                    "attempts": m.attempts,
                    "sent_at": m.sent_at,
                    "platform": m.platform,
                    "cause": m.cause,
                }
            )
            for m in self.session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        ]

    def people(self) -> list[Row]:
        rows = []
        for p in self.session.exec(select(Person).order_by(col(Person.handle))):
            platforms = self.session.exec(
                select(Identity.platform).where(Identity.person_id == p.id)
            )
            rows.append(
                self.clean(
                    {
                        "handle": p.handle,
                        "name": p.name,
                        "role": p.role,
                        "language": p.language,
                        "timezone": p.timezone,
                        "partner": self.orgs.get(p.partner_org_id),
                        "platforms": " ".join(sorted(set(platforms))),
                    }
                )
            )
        return rows

    def partners(self) -> list[Row]:
        return [
            self.clean({"handle": o.handle, "name": o.name, "kind": o.kind, "region": o.region})
            for o in self.session.exec(select(PartnerOrg).order_by(col(PartnerOrg.handle)))
        ]

    def contacts(self) -> list[Row]:
        """Partner organisations and their plain contacts in `gotong partners import`'s columns."""
        rows: list[Row] = []
        for o in self.session.exec(select(PartnerOrg).order_by(col(PartnerOrg.handle))):
            org = {"handle": o.handle, "name": o.name, "kind": o.kind, "region": o.region}
            contacts = self.session.exec(
                select(PartnerContact)
                .where(PartnerContact.partner_org_id == o.id)
                .order_by(col(PartnerContact.id))
            ).all()
            people = [
                {"contact_name": c.name, "contact_phone": c.phone, "contact_email": c.email}
                for c in contacts
            ] or [{"contact_name": "", "contact_phone": "", "contact_email": ""}]
            rows.extend(self.clean({**org, **person}) for person in people)
        return rows

    def programs(self) -> list[Row]:
        rows = []
        for p in self.session.exec(select(Program).order_by(col(Program.code))):
            members = self.session.exec(
                select(ProgramMember.person_id).where(ProgramMember.program_id == p.id)
            )
            rows.append(
                self.clean(
                    {
                        "code": p.code,
                        "name": p.name,
                        "level": p.level,
                        "region": p.region,
                        "owner": self.handles.get(p.owner_id),
                        "starts_on": p.starts_on,
                        "ends_on": p.ends_on,
                        "budget": p.budget,
                        "currency": p.currency,
                        "members": " ".join(sorted(self.handles.get(m) or "" for m in members)),
                    }
                )
            )
        return rows


KINDS: dict[str, Callable[[Exporter], list[Row]]] = {
    "tasks": Exporter.tasks,
    "meetings": Exporter.meetings,
    "deadlines": Exporter.deadlines,
    "commitments": Exporter.commitments,
    "updates": Exporter.updates,
    "indicators": Exporter.indicators,
    "reminders": Exporter.reminders,
    "outbox": Exporter.outbox,
    "people": Exporter.people,
    "partners": Exporter.partners,
    "contacts": Exporter.contacts,
    "programs": Exporter.programs,
    "budget": budget_export.budget_lines,
    "expenses": budget_export.expenses,
}


def export(session: Session, kind: str, *, tz: str) -> list[Row]:
    """All rows of one kind, ready for JSON or CSV."""
    return KINDS[kind](Exporter(session, tz))


# TEMP export contract (core/reports/export_temp.py) until the export engine's branch is merged.
from core.reports.export_temp import FORMATS, ExportQuery, write_export  # noqa: E402

__all__ = ["FORMATS", "KINDS", "ExportQuery", "export", "write_export"]

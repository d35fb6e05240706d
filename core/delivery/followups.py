"""Reminders Gotong keeps by itself for tasks, meetings, deadlines and commitments.

Each sync function replaces the pending reminders of one subject with what its current
state calls for, so moving, answering or closing it moves or cancels them too. They fall
in the person's working time (core.delivery.worktime), unlike personal reminders.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.delivery import commitment_notes
from core.delivery.worktime import WorkingTime
from core.models import (
    OPEN_COMMITMENT,
    REMINDER_TEXT_MAX,
    Commitment,
    CommitmentStatus,
    Deadline,
    Meeting,
    MeetingAttendee,
    Person,
    Reminder,
    ReminderStatus,
    Rsvp,
    Status,
    Task,
    TaskAssignment,
)

# (person, label) -> the moment a reminder should fire
Wanted = dict[tuple[int, str], datetime]
# A request unanswered for this many of a contact's working days is nudged, once.
NUDGE_AFTER_WORKING_DAYS = 2


def _want(
    wanted: Wanted,
    *,
    now: datetime,
    person: Person,
    label: str,
    at: datetime,
    before: datetime,
) -> None:
    """Want a reminder at `at`, moved out of the person's quiet hours and days off.

    A reminder exists to come before `before` (or at it, when `at` is that moment): one that
    working time would push to it or past it moves earlier, to the previous working time,
    so a Saturday task is reminded on Friday rather than on Monday after it was due.
    """
    working = WorkingTime.of(person)
    due = working.next_allowed(at)
    if due != at and due >= before:
        due = working.previous_allowed(at)
        if due <= now:  # the same clock time has passed: the end of today's working time
            due = working.previous_allowed(at, keep_clock=False)
    if due <= now or person.id is None:
        return
    wanted[(person.id, label)] = due


# How long before a moment Gotong reminds of it, each reminder with its label.
HOURS_AHEAD = (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1)))  # a meeting
DAYS_AHEAD = (("3d", timedelta(days=3)), ("1d", timedelta(days=1)))  # a deadline, a commitment


def _want_ahead(
    wanted: Wanted,
    *,
    now: datetime,
    person: Person,
    due: datetime,
    leads: tuple[tuple[str, timedelta], ...],
) -> None:
    """A reminder `lead` before `due` for each of `leads`, in the person's working time."""
    for label, lead in leads:
        _want(wanted, now=now, person=person, label=label, at=due - lead, before=due)


def _apply(
    session: Session,
    *,
    now: datetime,
    subject_type: str,
    subject_id: int | None,
    text: str,
    wanted: Wanted,
) -> None:
    """Make the subject's pending reminders exactly `wanted`: keep, move, add or cancel."""
    pending = session.exec(
        select(Reminder)
        .where(
            Reminder.subject_type == subject_type,
            Reminder.subject_id == subject_id,
            Reminder.status == ReminderStatus.PENDING,
        )
        .order_by(col(Reminder.id))
    )
    for reminder in pending:
        due = wanted.pop((reminder.person_id, reminder.label), None)
        if due is None:
            reminder.status = ReminderStatus.CANCELLED
        else:
            reminder.due_at, reminder.text = due, text[:REMINDER_TEXT_MAX]
        session.add(reminder)
    for (person_id, label), due in wanted.items():
        session.add(
            Reminder(
                person_id=person_id,
                text=text[:REMINDER_TEXT_MAX],
                due_at=due,
                kind="domain",
                subject_type=subject_type,
                subject_id=subject_id,
                label=label,
                created_at=now,
            )
        )


def sync_task(session: Session, *, now: datetime, task: Task) -> None:
    """Each open assignee: a reminder the morning before the due day, and one at the due moment."""
    wanted: Wanted = {}
    if task.status == Status.OPEN and task.due_at is not None:
        open_people = session.exec(
            select(Person)
            .join(TaskAssignment, col(TaskAssignment.person_id) == Person.id)
            .where(TaskAssignment.task_id == task.id, TaskAssignment.status == Status.OPEN)
            .order_by(col(Person.id))
        )
        for person in open_people:
            working = WorkingTime.of(person)
            day_before = task.due_at.astimezone(working.zone).date() - timedelta(days=1)
            _want(
                wanted,
                now=now,
                person=person,
                label="day_before",
                at=working.morning_of(day_before),
                before=task.due_at,
            )
            _want(wanted, now=now, person=person, label="due", at=task.due_at, before=task.due_at)
    _apply(
        session, now=now, subject_type="task", subject_id=task.id, text=task.title, wanted=wanted
    )


def sync_meeting(session: Session, *, now: datetime, meeting: Meeting) -> None:
    """The organiser and every attendee who has not declined: 24 hours and 1 hour before."""
    wanted: Wanted = {}
    if meeting.status == Status.OPEN:
        declined = select(MeetingAttendee.person_id).where(
            MeetingAttendee.meeting_id == meeting.id,
            MeetingAttendee.rsvp == Rsvp.NO,
            col(MeetingAttendee.person_id).is_not(None),
        )
        invited = select(MeetingAttendee.person_id).where(MeetingAttendee.meeting_id == meeting.id)
        people = session.exec(
            select(Person)
            .where(
                (col(Person.id).in_(invited) | (col(Person.id) == meeting.organiser_id))
                & col(Person.id).not_in(declined)
            )
            .order_by(col(Person.id))
        )
        for person in people:
            _want_ahead(wanted, now=now, person=person, due=meeting.starts_at, leads=HOURS_AHEAD)
    _apply(
        session,
        now=now,
        subject_type="meeting",
        subject_id=meeting.id,
        text=meeting.title,
        wanted=wanted,
    )


def sync_deadline(session: Session, *, now: datetime, deadline: Deadline) -> None:
    """The owner: 3 days and 1 day before an open deadline."""
    wanted: Wanted = {}
    owner = session.get(Person, deadline.owner_id)
    if deadline.status == Status.OPEN and owner is not None:
        _want_ahead(wanted, now=now, person=owner, due=deadline.due_at, leads=DAYS_AHEAD)
    _apply(
        session,
        now=now,
        subject_type="deadline",
        subject_id=deadline.id,
        text=deadline.title,
        wanted=wanted,
    )


def sync_commitment(session: Session, *, now: datetime, commitment: Commitment) -> None:
    """Contacts: a nudge after 2 working days unanswered (the manager told with it), reminders
    3 days and 1 day before a confirmed due moment, and a note at due; the manager an
    escalation at due. Nothing once it is fulfilled, declined or cancelled."""
    wanted: Wanted = {}
    manager = session.get(Person, commitment.requested_by_id)
    if commitment.status in OPEN_COMMITMENT and manager is not None:
        contacts = commitment_notes.contacts(session, commitment)
        if commitment.status == CommitmentStatus.REQUESTED:
            _want_nudges(
                session, wanted, now=now, commitment=commitment, manager=manager, contacts=contacts
            )
        if commitment.status == CommitmentStatus.CONFIRMED:
            for person in contacts:
                due = commitment.due_at
                _want_ahead(wanted, now=now, person=person, due=due, leads=DAYS_AHEAD)
        for person in contacts:
            _want_at_or_after(wanted, now=now, person=person, label="due", at=commitment.due_at)
        _want_at_or_after(wanted, now=now, person=manager, label="escalation", at=commitment.due_at)
    _apply(
        session,
        now=now,
        subject_type="commitment",
        subject_id=commitment.id,
        text=commitment.what,
        wanted=wanted,
    )


def _want_nudges(
    session: Session,
    wanted: Wanted,
    *,
    now: datetime,
    commitment: Commitment,
    manager: Person,
    contacts: list[Person],
) -> None:
    """Each contact once, 2 of their working days after they were asked; the manager told when
    the last of them is nudged (or after 2 of the manager's working days, with no contact)."""
    asked = commitment_notes.asked_at(session, commitment)
    moments = []
    for person in contacts:
        at = WorkingTime.of(person).add_working_days(asked, NUDGE_AFTER_WORKING_DAYS)
        if at < commitment.due_at:  # at due, the escalation and the note say it instead
            moments.append(at)
            _want_at_or_after(wanted, now=now, person=person, label="nudge", at=at)
    if contacts and not moments:
        return
    alone = WorkingTime.of(manager).add_working_days(asked, NUDGE_AFTER_WORKING_DAYS)
    told = max(moments, default=alone)
    if told < commitment.due_at:
        _want_at_or_after(wanted, now=now, person=manager, label="unanswered", at=told)


def _want_at_or_after(
    wanted: Wanted, *, now: datetime, person: Person, label: str, at: datetime
) -> None:
    """Want a reminder at `at` or the person's next working time after it, never before.

    What it says ("not answered yet", "due and not delivered") is only true from `at` on.
    """
    due = WorkingTime.of(person).next_allowed(at)
    if due > now and person.id is not None:
        wanted[(person.id, label)] = due


def resync_person(session: Session, *, now: datetime, person: Person) -> None:
    """Re-plan a person's pending reminders after their time zone or working time changed."""
    subjects = session.exec(
        select(Reminder.subject_type, Reminder.subject_id)
        .where(
            Reminder.person_id == person.id,
            Reminder.status == ReminderStatus.PENDING,
            col(Reminder.subject_type).is_not(None),
        )
        .distinct()
    ).all()
    for subject_type, subject_id in subjects:
        if subject_type == "task" and (task := session.get(Task, subject_id)) is not None:
            sync_task(session, now=now, task=task)
        elif subject_type == "meeting" and (meeting := session.get(Meeting, subject_id)):
            sync_meeting(session, now=now, meeting=meeting)
        elif subject_type == "deadline" and (deadline := session.get(Deadline, subject_id)):
            sync_deadline(session, now=now, deadline=deadline)
        elif subject_type == "commitment" and (commitment := session.get(Commitment, subject_id)):
            sync_commitment(session, now=now, commitment=commitment)

"""The core's front door: one incoming message in, replies out, in one transaction."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import Engine
from sqlmodel import Session

from core import inbox
from core.clock import Clock
from core.commands import HANDLERS, PERSONAL
from core.commands.work.updates import attach_media, plain_text, program_choice, remind_waiting
from core.context import ButtonSpec, Context
from core.db import is_unavailable, reading, unit_of_work
from core.delivery.queue import keep_replies
from core.delivery.windows import heard_from
from core.errors import UserError
from core.eventlog import event as log_event
from core.eventlog import pseudonym
from core.language.grammar import (
    MAX_MESSAGE,
    PROGRAM,
    clean_incoming,
    parse_command,
    with_handles,
)
from core.language.i18n import Catalog, language_or_default
from core.language.suggest import closest_command, corrected
from core.messages import Incoming, Reply, origin_of
from core.models import Identity, InboxEvent, Person, Role
from core.people import invites
from core.people.directory import (
    account_for,
    handles_of_identities,
    identity_for,
    person_for_identity,
    program_of_chat,
)

log = logging.getLogger("gotong.core")


def error_key(error: UserError) -> str:
    """The template key explaining a UserError: error.<area>_<name>."""
    return "error." + error.key.replace(".", "_")


def retry_buttons(incoming: Incoming, error: UserError) -> tuple[ButtonSpec, ...]:
    """A button that sends the message again with the suggested words, when it fits one."""
    if not error.corrections or incoming.button:
        return ()
    command = corrected(incoming.text, error.corrections)
    return ((("button.retry", command),),) if command else ()


def _with_handles(session: Session, incoming: Incoming) -> Incoming:
    """The message with the platform accounts it mentions written as Gotong @handles."""
    if not incoming.mentions:
        return incoming
    handles = handles_of_identities(session, incoming.platform, [i for i, _ in incoming.mentions])
    return replace(incoming, text=with_handles(incoming.text, incoming.mentions, handles))


def unknown_command(typed: str, language: str) -> UserError:
    """The refusal of an unknown /command, suggesting the nearest one in the reader's language."""
    # Telegram groups append the bot's name: /tugs@GotongBot
    word = typed.split("@", 1)[0]
    suggestion = closest_command(word, language)
    slash = "/" if word.startswith("/") else ""
    return UserError(
        "common.unknown_command",
        word=typed[:40],
        suggestion=suggestion,
        corrections=((word, slash + suggestion),) if suggestion else (),
    )


class Gotong:
    """Handles incoming messages against the database with an injected clock."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        catalog: Catalog | None = None,
        default_language: str = "id",
        default_timezone: str = "Asia/Jakarta",
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.catalog = catalog or Catalog()
        self.default_language = default_language
        self.default_timezone = default_timezone

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Receive and handle one message in one transaction; a redelivery gets no replies.

        For a conversation with nothing to acknowledge (the console, tests): the replies are
        returned, not kept. Platform adapters use `receive` and `process` instead.
        """
        incoming = clean_incoming(incoming)
        try:
            with unit_of_work(self.engine) as session:
                if not inbox.store(session, incoming, now=self.clock.now(), handled=True):
                    return []
                _, replies, queued = self._respond(session, incoming)
                _log_handled(incoming, replies, queued)
                return replies
        except Exception as error:
            self._failed(incoming, error)
            if is_unavailable(error):
                return self.not_received(incoming)
            return self._apologise(incoming)

    def receive(self, incoming: Incoming) -> bool:
        """Store a message before its platform is told it arrived; whether it awaits handling.

        Raises if the database cannot take it: the adapter must then not acknowledge it, so
        the platform delivers it again.
        """
        incoming = clean_incoming(incoming)  # before it is stored: no NUL reaches PostgreSQL
        with unit_of_work(self.engine) as session:
            if inbox.store(session, incoming, now=self.clock.now(), handled=False):
                return True
            return inbox.is_pending(session, incoming.platform, incoming.event_id)

    def process(self, platform: str, event_id: str, *, answering: bool = True) -> list[Reply]:
        """Handle a stored message once, in one transaction that keeps its replies with it.

        `answering`: the caller sends the replies now and reports each delivery (replies
        carry their outbox ids); otherwise the outbox sweep sends them. A message already
        handled, or never stored, gets no replies.
        """
        incoming: Incoming | None = None
        try:
            with unit_of_work(self.engine) as session:
                event = inbox.take(session, platform, event_id)
                if event is None:
                    return []
                incoming = inbox.incoming_of(event)
                person, replies, queued = self._respond(session, incoming)
                kept = self._handled(session, event, incoming, person, replies, answering)
            _log_handled(incoming, kept, queued)
            return kept
        except Exception as error:
            if is_unavailable(error):
                # Not the message's fault: it stays waiting in the inbox, and is handled
                # when the database is back (a retry, or the next start), not apologised for.
                log_event(
                    log,
                    "message.deferred",
                    level=logging.WARNING,
                    platform=platform,
                    event_id=origin_of(platform, event_id),
                    error=type(error).__name__,
                )
                lang = self._language_of(incoming, platform, event_id)
                return [Reply(self._render("error.kept_for_later", lang))]
            if incoming is None:  # the database failed before the message was read
                log_event(
                    log,
                    "message.unreadable",
                    level=logging.ERROR,
                    exc_info=error,
                    platform=platform,
                    event_id=origin_of(platform, event_id),
                    error=type(error).__name__,
                )
                return []
            self._failed(incoming, error)
            return self._apologise(incoming, answering=answering)

    def not_received(self, incoming: Incoming) -> list[Reply]:
        """The answer to a message the database could not store: try again later."""
        lang = self._language_of(incoming, incoming.platform, incoming.event_id)
        return [Reply(self._render("error.try_later", lang))]

    def pending(self, platform: str, limit: int = 100) -> list[str]:
        """Messages received on `platform` but not handled (the process stopped between)."""
        with reading(self.engine) as session:
            return inbox.pending(session, platform, limit)

    def _handled(
        self,
        session: Session,
        event: InboxEvent,
        incoming: Incoming,
        person: Person | None,
        replies: list[Reply],
        answering: bool,
    ) -> list[Reply]:
        """Mark a stored message handled and keep its replies in the outbox with it."""
        now = self.clock.now()
        inbox.mark_handled(session, event, now)
        return keep_replies(
            session,
            incoming,
            replies,
            person_id=person.id if person else None,
            now=now,
            answering=answering,
        )

    def _failed(self, incoming: Incoming, error: Exception) -> None:
        log_event(
            log,
            "message.failed",
            level=logging.ERROR,
            exc_info=error,
            platform=incoming.platform,
            event_id=incoming.origin,
            user=pseudonym(incoming.external_user_id),
            error=type(error).__name__,
        )

    def _respond(
        self, session: Session, incoming: Incoming
    ) -> tuple[Person | None, list[Reply], int]:
        """Who sent the message, what Gotong answers, and how many others it told."""
        incoming = _with_handles(session, incoming)
        account = account_for(session, incoming.platform, incoming.external_user_id)
        if account is None:
            return None, self._stranger(session, incoming), 0
        identity, person = account
        self._refresh(session, identity, incoming)
        replies, queued = self._handle_as(session, person, incoming)
        return person, replies, queued

    def _refresh(self, session: Session, identity: Identity, incoming: Incoming) -> None:
        """Keep the private chat current; writing to the bot again means it is not blocked."""
        changed = identity.unreachable_at is not None
        identity.unreachable_at = None
        if incoming.private and identity.chat_id != incoming.chat_id:
            identity.chat_id = incoming.chat_id
            changed = True
        if changed:
            session.add(identity)
        heard_from(session, identity, self.clock.now())

    def _stranger(self, session: Session, incoming: Incoming) -> list[Reply]:
        """Unknown accounts can only onboard with a code; anything else gets how to get one."""
        lang = language_or_default(incoming.language_hint, self.default_language)
        command = parse_command(incoming.text)
        if command is None or command.name != "start" or not command.args:
            return [Reply(self._render("onboarding.stranger", lang))]
        try:
            person, created = invites.redeem_throttled(
                session,
                now=self.clock.now(),
                code=command.args.split()[0],
                incoming=incoming,
                default_language=self.default_language,
                default_timezone=self.default_timezone,
            )
        except UserError as error:
            return [Reply(self._render(error_key(error), lang, **error.params))]
        identity = identity_for(session, incoming.platform, incoming.external_user_id)
        if identity is not None:
            heard_from(session, identity, self.clock.now())
        key = "onboarding.welcome" if created else "onboarding.linked"
        return [
            Reply(
                self.catalog.render(
                    key,
                    lang=person.language,
                    tz=person.timezone,
                    now=self.clock.now(),
                    person=person,
                    platform=incoming.platform,
                )
            )
        ]

    def _handle_as(
        self, session: Session, person: Person, incoming: Incoming
    ) -> tuple[list[Reply], int]:
        ctx = Context(
            session=session,
            catalog=self.catalog,
            now=self.clock.now(),
            person=person,
            incoming=incoming,
            group_program=None
            if incoming.private
            else program_of_chat(session, incoming.platform, incoming.chat_id),
        )
        savepoint = session.begin_nested()
        try:
            self._dispatch(ctx, incoming)
            savepoint.commit()
        except UserError as error:
            # The person's mistake changes nothing, but the event still counts as handled.
            savepoint.rollback()
            session.expire_all()
            ctx.queued = 0  # rolled back with the rest
            ctx.replies = [
                Reply(
                    ctx.text(error_key(error), **error.params),
                    ctx.buttons(retry_buttons(incoming, error)),
                    private=not incoming.private,
                )
            ]
        return ctx.replies, ctx.queued

    def _dispatch(self, ctx: Context, incoming: Incoming) -> None:
        text = incoming.text.strip()
        if len(text) > MAX_MESSAGE:
            raise UserError("common.too_long", limit=MAX_MESSAGE, length=len(text))
        if not text and (incoming.photo_file_id or incoming.latitude is not None):
            attach_media(ctx)
            return
        command = parse_command(text)
        typed_command = text.startswith("/") or incoming.button
        # A field worker's plain private text is an update unless it is a bare command word.
        if command is not None and (
            typed_command
            or not command.args
            or ctx.person.role != Role.FIELD
            or not incoming.private
        ):
            ctx.personal = command.name in PERSONAL and not incoming.private
            HANDLERS[command.name](ctx, command.args)
            remind_waiting(ctx)
            return
        if typed_command and not PROGRAM.fullmatch(text):
            raise unknown_command(text.split()[0], ctx.person.language)
        if PROGRAM.fullmatch(text) and program_choice(ctx, text[1:]):
            return
        if ctx.person.role == Role.FIELD and incoming.private:
            plain_text(ctx, text)
            return
        raise UserError("common.not_understood")

    def _render(self, key: str, lang: str, **params: object) -> str:
        return self.catalog.render(
            key, lang=lang, tz=self.default_timezone, now=self.clock.now(), **params
        )

    def _language_of(self, incoming: Incoming | None, platform: str, event_id: str) -> str:
        """The sender's language, read if the database still reads; else the platform's hint."""
        try:
            with reading(self.engine) as session:
                if incoming is None:  # failed before it was read: read the stored message
                    event = session.get(InboxEvent, (platform, event_id))
                    if event is None or event.payload is None:
                        return self.default_language
                    incoming = inbox.incoming_of(event)
                person = person_for_identity(session, incoming.platform, incoming.external_user_id)
                if person is not None:
                    return person.language
        except Exception:  # the database is what failed: the hint will do
            pass
        hint = incoming.language_hint if incoming is not None else None
        return language_or_default(hint, self.default_language)

    def _apologise(self, incoming: Incoming, *, answering: bool = True) -> list[Reply]:
        """The short apology for a message that failed; kept in the outbox if it was stored.

        A stored message is marked handled with its apology, so a message that fails every
        time is not taken up again at each start.
        """
        lang = language_or_default(incoming.language_hint, self.default_language)
        try:
            with unit_of_work(self.engine) as session:
                person = person_for_identity(session, incoming.platform, incoming.external_user_id)
                if person is not None:
                    lang = person.language
                apology = [Reply(self._render("error.internal", lang))]
                event = inbox.take(session, incoming.platform, incoming.event_id)
                if event is None:
                    return apology
                return self._handled(session, event, incoming, person, apology, answering)
        except Exception as error:  # the database itself may be what failed
            log_event(
                log,
                "message.apology_not_kept",
                level=logging.WARNING,
                platform=incoming.platform,
                event_id=incoming.origin,
                error=type(error).__name__,
            )
            return [Reply(self._render("error.internal", lang))]


def _log_handled(incoming: Incoming, replies: list[Reply], queued: int) -> None:
    """The line that joins a received message to what it made: replies and others' messages."""
    log_event(
        log,
        "message.handled",
        platform=incoming.platform,
        event_id=incoming.origin,
        replies=len(replies),
        queued=queued,
    )

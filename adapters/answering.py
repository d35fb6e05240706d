"""Where the core's replies go, the same on every platform.

A reply that concerns only the sender, to something asked in a group or channel, goes to
them alone; if that way is closed (they never opened a private chat with the bot, say),
it falls back to where they asked rather than vanish. After a button click, the first
reply takes the place of the clicked message, so the buttons cannot be pressed twice.
Each reply's delivery is reported to the outbox, whose sweep sends whatever did not go.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar

from adapters.inbox import report
from core.delivery.claims import OutboxDelivery
from core.messages import Incoming, Reply

M = TypeVar("M")


def to_sender_only(reply: Reply, *, asked_in_private: bool) -> bool:
    """Whether `reply` concerns only the sender of something said in a group or channel."""
    return reply.private and not asked_in_private


def destination(incoming: Incoming, reply: Reply) -> str:
    """The sender's private chat for a reply only they should see, else the chat asked in."""
    if to_sender_only(reply, asked_in_private=incoming.private):
        return incoming.external_user_id
    return incoming.chat_id


def subjects(commands: Iterable[str]) -> set[str]:
    """The numbered things a message's buttons act on ("done 4" and "done 7": two tasks).

    A message about one thing shows a click's answer in its place; a list of many (a digest,
    the reminders) stays, losing only the button that was pressed, and the answer follows it.
    """
    words = (command.rsplit(" ", 1)[-1] for command in commands)
    return {word for word in words if word.isdigit()}


async def send_in_order(messages: Sequence[M], send_one: Callable[[M], Awaitable[bool]]) -> int:
    """Send the messages of one reply in order; how many went before one did not."""
    for number, message in enumerate(messages):
        if not await send_one(message):
            return number
    return len(messages)


async def first_way_that_sends(*ways: Callable[[], Awaitable[int]]) -> int:
    """Try each way of sending in turn until one sends anything; how much that one sent."""
    sent = 0
    for way in ways:
        sent = await way()
        if sent:
            break
    return sent


async def answer(
    replies: list[Reply],
    *,
    asked_in_private: bool,
    render: Callable[[Reply], list[M]],
    send: Callable[[Reply, list[M]], Awaitable[int]],
    outbox: OutboxDelivery,
    replace_clicked: Callable[[M], Awaitable[bool]] | None = None,
) -> None:
    """Send every reply by `send` and report it; after a click, the first replaces the message.

    `replace_clicked` is given only for a click whose message can be replaced; a first
    reply meant for the sender alone never replaces what others can see.
    """
    if replace_clicked is not None and replies:
        first = replies[0]
        messages = render(first)
        if (
            not to_sender_only(first, asked_in_private=asked_in_private)
            and messages
            and await replace_clicked(messages[0])
        ):
            sent = 1 + await send(first, messages[1:])
            await report(outbox, first, sent, len(messages))
            replies = replies[1:]
    for reply in replies:
        messages = render(reply)
        sent = await send(reply, messages)
        await report(outbox, reply, sent, len(messages))

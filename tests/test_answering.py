"""Where replies go, on every platform: private answers, their fallback, and click outcomes."""

from __future__ import annotations

from adapters import answering
from core.delivery.claims import OutboxDelivery
from core.messages import Incoming, Reply


def asked(*, private: bool) -> Incoming:
    return Incoming(
        platform="test",
        external_user_id="budi",
        chat_id="budi" if private else "group-pkh",
        text="/tugasku",
        event_id="e1",
        private=private,
    )


class RecordingOutbox(OutboxDelivery):
    """The outbox as a list of what the adapter reported."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, int, object]] = []

    def sent(self, delivery_id: int, platform_message_id: str) -> None:
        self.reports.append(("sent", delivery_id, platform_message_id))

    def progress(self, delivery_id: int, pieces_sent: int) -> None:
        self.reports.append(("progress", delivery_id, pieces_sent))

    def release(self, delivery_id: int, error: str) -> None:
        self.reports.append(("release", delivery_id, error))


def pieces(reply: Reply) -> list[str]:
    return reply.text.split("|")


class TestDestination:
    def test_a_personal_answer_asked_in_a_group_goes_to_the_private_chat(self) -> None:
        """Only the sender should see it: their own chat, not the group."""
        assert answering.destination(asked(private=False), Reply("x", private=True)) == "budi"

    def test_an_answer_for_everyone_stays_in_the_group(self) -> None:
        """A reply that is not private is answered where it was asked."""
        assert answering.destination(asked(private=False), Reply("x")) == "group-pkh"

    def test_in_a_private_chat_everything_is_answered_there(self) -> None:
        """Asked in private, a private reply is already where it belongs."""
        incoming = asked(private=True)
        assert answering.destination(incoming, Reply("x", private=True)) == "budi"
        assert not answering.to_sender_only(Reply("x", private=True), asked_in_private=True)


class TestFallback:
    async def test_falls_back_when_the_private_way_sends_nothing(self) -> None:
        """Never opened a private chat with the bot: the answer goes where they asked."""
        tried: list[str] = []

        async def private() -> int:
            tried.append("private")
            return 0

        async def group() -> int:
            tried.append("group")
            return 2

        assert await answering.first_way_that_sends(private, group) == 2
        assert tried == ["private", "group"]

    async def test_no_fallback_once_the_private_way_sent_something(self) -> None:
        """A reply that went privately (even in part) is not repeated in the group."""
        tried: list[str] = []

        async def private() -> int:
            tried.append("private")
            return 1

        async def group() -> int:
            tried.append("group")
            return 2

        assert await answering.first_way_that_sends(private, group) == 1
        assert tried == ["private"]

    async def test_pieces_stop_at_the_first_refusal(self) -> None:
        """How many pieces went, in order, before one did not."""

        async def send_one(piece: str) -> bool:
            return piece != "c"

        assert await answering.send_in_order(["a", "b", "c", "d"], send_one) == 2


class TestAnswer:
    async def run(
        self,
        replies: list[Reply],
        *,
        private: bool = True,
        clicked: bool = False,
        replaceable: bool = True,
    ) -> tuple[list[str], RecordingOutbox]:
        log: list[str] = []
        outbox = RecordingOutbox()

        async def send(reply: Reply, messages: list[str]) -> int:
            log.extend(f"send {m}" for m in messages)
            return len(messages)

        async def replace(message: str) -> bool:
            log.append(f"replace {message}")
            return replaceable

        await answering.answer(
            replies,
            asked_in_private=private,
            render=pieces,
            send=send,
            outbox=outbox,
            replace_clicked=replace if clicked else None,
        )
        return log, outbox

    async def test_a_clicks_first_reply_replaces_the_clicked_message(self) -> None:
        """The outcome shows in place of the buttons; its other pieces and replies follow."""
        replies = [Reply("a1|a2", outbox_id=1), Reply("b", outbox_id=2)]

        log, outbox = await self.run(replies, clicked=True)

        assert log == ["replace a1", "send a2", "send b"]
        assert outbox.reports == [("sent", 1, ""), ("sent", 2, "")]

    async def test_a_personal_first_reply_never_replaces_what_the_group_sees(self) -> None:
        """In a group, a reply only for the clicker is sent to them, the message stays."""
        log, _ = await self.run([Reply("a", private=True)], private=False, clicked=True)
        assert log == ["send a"]

    async def test_a_refused_replacement_sends_the_reply_instead(self) -> None:
        """If the clicked message cannot be edited, the outcome is sent as a new message."""
        log, _ = await self.run([Reply("a1|a2")], clicked=True, replaceable=False)
        assert log == ["replace a1", "send a1", "send a2"]

    async def test_without_a_click_nothing_is_replaced(self) -> None:
        """A typed message's replies are all sent."""
        log, _ = await self.run([Reply("a"), Reply("b")])
        assert log == ["send a", "send b"]

    async def test_a_reply_that_did_not_go_is_left_to_the_outbox(self) -> None:
        """Part sent: the outbox records how far it got and its sweep sends the rest."""
        outbox = RecordingOutbox()

        async def send(reply: Reply, messages: list[str]) -> int:
            return 1

        await answering.answer(
            [Reply("a1|a2|a3", outbox_id=7)],
            asked_in_private=True,
            render=pieces,
            send=send,
            outbox=outbox,
        )

        assert outbox.reports == [("progress", 7, 1), ("release", 7, "reply not sent")]

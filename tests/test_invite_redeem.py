"""An invitation code lets in exactly one account, and guessing codes is throttled."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from core.app import Gotong
from core.messages import Incoming
from core.models import Identity, Person, Role
from tests.chat import Chat
from tests.test_onboarding import invite_code


def redeem_at_once(gotong: Gotong, accounts: list[str], code: str) -> list[str]:
    """Every account sends /mulai CODE at the same moment, each in its own thread."""
    barrier = threading.Barrier(len(accounts))
    answers: dict[str, str] = {}

    def send(account: str) -> None:
        barrier.wait()
        replies = gotong.handle(
            Incoming(
                platform="tg",
                external_user_id=account,
                chat_id=account,
                text=f"/mulai {code}",
                event_id=f"start-{account}",
                username=account,
            )
        )
        answers[account] = "\n".join(r.text for r in replies)

    threads = [threading.Thread(target=send, args=(a,)) for a in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answers[a] for a in accounts]


class TestOneCodeOneAccount:
    """Concurrent redemptions of one code: one account gets in, the others are told it is used."""

    def test_pairs_redeeming_one_code_let_in_one_each(self, chat: Chat, engine: Engine) -> None:
        """Ten pairs of accounts racing for ten codes: ten people, never two per code."""
        for pair in range(10):
            code = invite_code(chat, role="field")
            answers = redeem_at_once(chat.gotong, [f"p{pair}a", f"p{pair}b"], code)
            assert sum("Selamat datang" in a for a in answers) == 1, answers
            assert sum("sudah dipakai" in a for a in answers) == 1, answers
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(Identity)).one() == 7 + 10

    def test_manager_code_makes_one_manager(self, chat: Chat, engine: Engine) -> None:
        """Ten accounts racing with one manager code: one new manager."""
        code = invite_code(chat, role="manager")
        answers = redeem_at_once(chat.gotong, [f"m{i}" for i in range(10)], code)
        assert sum("Selamat datang" in a for a in answers) == 1, answers
        with Session(engine) as session:
            managers = session.exec(select(Person).where(Person.role == Role.MANAGER)).all()
        assert len(managers) == 2 + 1  # ani, sarah and the one who got in


class TestGuessing:
    """Wrong codes from one account are throttled, with a reply that says so."""

    def test_sixth_wrong_code_in_a_row_is_refused_until_later(self, chat: Chat) -> None:
        """After five wrong codes, even the right one waits; it works again later."""
        for n in range(5):
            assert "tidak dikenal" in chat.send("tg-9", f"/mulai WRONG{n}", language_hint="id")
        code = invite_code(chat, role="field")
        said = chat.send("tg-9", f"/mulai {code}", language_hint="id")
        assert "Terlalu banyak kode yang salah" in said
        assert "15 menit" in said
        said = chat.send("tg-10", "/start WRONG", language_hint="en")
        assert "is not known" in said  # another account is not slowed down
        chat.clock.advance(timedelta(minutes=15))
        assert "Selamat datang" in chat.send("tg-9", f"/mulai {code}", language_hint="id")

    def test_refusal_is_in_the_persons_language(self, chat: Chat) -> None:
        """The throttle reply follows the account's language."""
        for n in range(5):
            chat.send("tg-11", f"/start WRONG{n}", language_hint="en")
        said = chat.send("tg-11", "/start WRONG9", language_hint="en")
        assert "Too many wrong codes" in said

    def test_old_failures_do_not_count(self, chat: Chat) -> None:
        """Mistakes spread over more than the window never lock anyone out."""
        for n in range(8):
            said = chat.send("tg-12", f"/mulai WRONG{n}", language_hint="id")
            assert "tidak dikenal" in said
            chat.clock.advance(timedelta(minutes=4))

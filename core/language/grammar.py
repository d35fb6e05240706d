"""The command grammar: command names in both languages, @handles, #codes and argument words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from core.messages import Incoming

# Canonical command -> (Indonesian name, English name, other aliases...).
COMMANDS: dict[str, tuple[str, ...]] = {
    "task": ("tugas", "task"),
    "mytasks": ("tugasku", "mytasks"),
    "done": ("selesai", "done"),
    "cancel": ("batal", "cancel"),
    "meeting": ("rapat", "meeting"),
    "attend": ("hadir", "attend"),
    "decline": ("tidakhadir", "decline"),
    "rsvp": ("rsvp", "rsvp"),
    "deadline": ("tenggat", "deadline"),
    "report": ("lapor", "report"),
    "remind": ("ingatkan", "remind"),
    "reminders": ("pengingat", "reminders"),
    "agenda": ("agenda", "agenda"),
    "late": ("terlambat", "late", "overdue"),
    "program": ("program", "program", "programs"),
    "partners": ("mitra", "partners"),
    "help": ("bantuan", "help"),
    "settings": ("atur", "set", "settings"),
    "start": ("mulai", "start"),
    "link": ("tautkan", "link"),
    "snooze": ("tunda", "snooze"),
    "move": ("ubah", "move"),
    "group": ("grup", "group"),
    "commitment": ("komitmen", "commit", "commitments"),
    "confirm": ("konfirmasi", "confirm"),
    "propose": ("usul", "propose"),
    "reject": ("tolak", "reject"),
    "received": ("terima", "received"),
    "extend": ("perpanjang", "extend"),
    "digest": ("ringkasan", "digest"),
    # /ingatkan @budi #pkh is a nudge, /ingatkan besok jam 9 ... a reminder: the remind handler
    # tells them apart, and "ingatkan" stays remind's word (the first command to claim a name).
    "nudge": ("ingatkan", "nudge"),
    "budget": ("anggaran", "budget"),
    "spend": ("belanja", "spend"),
    "indicator": ("indikator", "indicator", "indicators"),
    # /laporan is the program report, /lapor a field update: two words, two commands.
    "programreport": ("laporan", "programreport"),
    "export": ("ekspor", "export"),
    # The answer to "messages are waiting, reply *ya*" (WhatsApp's 24-hour window): writing
    # at all opens the window; this says how many messages are on their way.
    "waiting": ("ya", "yes"),
}

ALIASES: dict[str, str] = {}
for _canonical, _names in COMMANDS.items():
    for _name in _names:
        ALIASES.setdefault(_name, _canonical)

# The words commands take as arguments, in both languages: meaning -> the words for it.
ARGUMENT_WORDS: dict[str, tuple[str, ...]] = {
    # which kind of thing a number names (/batal rapat 7, /selesai tenggat 3)
    "meeting": ("rapat", "meeting"),
    "deadline": ("tenggat", "deadline"),
    "reminder": ("pengingat", "reminder"),
    "commitment": ("komitmen", "commitment"),
    "expense": ("belanja", "expense", "spend"),
    "update": ("lapor", "laporan", "update", "report"),
    # what to do (/pengingat batal 3, /program baru, /program #pkh tambah)
    "cancel": ("batal", "cancel", "hapus", "delete"),
    "new": ("baru", "new"),
    "add": ("tambah", "add"),
    # a budget line's planned amount, and who may spend (/anggaran #pkh ubah, izinkan, cabut)
    "change": ("ubah", "change"),
    "allow": ("izinkan", "allow"),
    "revoke": ("cabut", "revoke"),
    # a partner's contact person (/mitra kontak @pmi-demak "Pak Joko" 0812...)
    "contact": ("kontak", "contact"),
    # what to set (/atur bahasa en)
    "language": ("bahasa", "language", "lang"),
    "zone": ("zona", "zone", "timezone", "tz"),
    "quiet": ("jam-tenang", "quiet-hours", "quiet"),
    "workdays": ("hari-kerja", "workdays"),
    "channel": ("kanal", "channel"),
    "digest": ("ringkasan", "digest", "digests"),
    "charts": ("grafik", "charts", "chart"),
    # how digests come (/atur ringkasan mingguan, /atur grafik mati)
    "daily": ("harian", "daily"),
    "weekly": ("mingguan", "weekly"),
    "off": ("mati", "off"),
    "on": ("nyala", "hidup", "on"),
    "reporting": ("laporan", "reporting", "report"),
    # how long to snooze (/tunda 3 besok); anything else is read as a duration
    "morning": ("pagi", "besok", "morning", "tomorrow"),
    "week": ("minggu", "seminggu", "week"),
    # an indicator (/indikator #pkh tambah ... target 1200 baseline 0 terakhir per wilayah)
    "target": ("target", "sasaran"),
    "baseline": ("baseline", "awal"),
    "sum": ("jumlah", "sum", "total"),
    "latest": ("terakhir", "latest"),
    "max": ("maks", "maksimum", "max", "maximum"),
    "by_region": ("per wilayah", "by region", "per region", "per-wilayah", "by-region"),
    # a manager's answer to a value that looked wrong (the buttons Benar and Hapus)
    "correct": ("benar", "correct"),
    "remove": ("hapus", "remove"),
}

# The keys of a field update that name where (/lapor #pkh penerima=45 desa=Sukamaju).
REGION_KEYS = frozenset(
    {"desa", "kelurahan", "kecamatan", "kabupaten", "kota", "wilayah", "region", "village"}
    | {"district"}
)

# Words that open a personal reminder's text and are not part of it: /ingatkan saya ...
REMINDER_FILLERS = ("saya ", "aku ", "me to ", "me ", "untuk ", "to ")


def means(word: str, meaning: str) -> bool:
    """Whether the argument `word` is one of the words for `meaning` (any case)."""
    return word.lower() in ARGUMENT_WORDS[meaning]


def meaning_of(word: str, *meanings: str) -> str | None:
    """Which of `meanings` the argument `word` stands for, or None."""
    return next((m for m in meanings if means(word, m)), None)


# Shown in /bantuan, in this order.
HELP_ORDER = [
    "task",
    "mytasks",
    "done",
    "cancel",
    "move",
    "meeting",
    "attend",
    "decline",
    "deadline",
    "commitment",
    "confirm",
    "propose",
    "reject",
    "received",
    "extend",
    "budget",
    "spend",
    "report",
    "indicator",
    "programreport",
    "remind",
    "nudge",
    "reminders",
    "snooze",
    "agenda",
    "digest",
    "late",
    "export",
    "program",
    "partners",
    "group",
    "link",
    "settings",
    "help",
]

HANDLE = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9_.\-]{0,63})(?![\w@])", re.IGNORECASE)
PROGRAM = re.compile(r"(?<![\w#])#([a-z][a-z0-9_\-]{0,31})\b", re.IGNORECASE)
URL = re.compile(r"https?://\S+", re.IGNORECASE)
NUMBER = re.compile(r"^#?(\d{1,9})$")

MAX_MESSAGE = 4000


@dataclass(frozen=True)
class Command:
    """A command as typed: its canonical name, the word used and the rest of the text."""

    name: str
    word: str
    args: str


def parse_command(text: str) -> Command | None:
    """The command at the start of `text` (with or without a slash), or None."""
    stripped = text.strip()
    if not stripped:
        return None
    first, _, rest = stripped.partition(" ")
    # Telegram groups append the bot's name: /tugas@GotongBot
    word = first.lstrip("/").split("@", 1)[0].lower()
    canonical = ALIASES.get(word)
    if canonical is None:
        return None
    return Command(canonical, word, rest.strip())


@dataclass(frozen=True)
class Mentions:
    """The @handles and #codes of a text, and the text without them."""

    handles: tuple[str, ...]
    programs: tuple[str, ...]
    rest: str


def extract_mentions(text: str) -> Mentions:
    """Split @handles and #program codes out of `text`, keeping the order they were written in."""
    handles = tuple(dict.fromkeys(h.lower() for h in HANDLE.findall(text)))
    programs = tuple(dict.fromkeys(p.lower() for p in PROGRAM.findall(text)))
    rest = PROGRAM.sub(" ", HANDLE.sub(" ", text))
    return Mentions(handles, programs, squash(rest))


def squash(text: str) -> str:
    """Collapse runs of white space to one space."""
    return " ".join(text.split())


def cut(text: str, start: int, end: int) -> str:
    """`text` without the span start..end."""
    return squash(text[:start] + " " + text[end:])


def parse_number(word: str) -> int | None:
    """A task/meeting/reminder number as typed ("12" or "#12"), or None."""
    match = NUMBER.match(word.strip())
    return int(match.group(1)) if match else None


def has_words(text: str) -> bool:
    """Whether `text` holds at least one letter or digit (not only emoji or punctuation)."""
    return any(ch.isalnum() for ch in text)


def clean_text(text: str) -> str:
    """`text` without control characters (NUL and the like) and lone surrogates; keeps \\n and \\t.

    PostgreSQL refuses NUL and unencodable text, and terminals act on escape sequences, so
    they are dropped where text enters the core, the same on every database.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _DROPPED)


_DROPPED = frozenset({"Cc", "Cs"})


def clean_incoming(incoming: Incoming) -> Incoming:
    """The message with its text cleaned; an empty button payload is read as an empty message."""
    text = clean_text(incoming.text)
    return replace(
        incoming,
        text=text,
        button=incoming.button and bool(text.strip()),
        display_name=clean_text(incoming.display_name),
        username=clean_text(incoming.username),
    )


def with_handles(text: str, mentions: Iterable[tuple[str, str]], handles: Mapping[str, str]) -> str:
    """`text` with each platform mention written as the @handle of the account it names.

    A mention of an account Gotong does not know stays as written, so the answer can say so.
    One pass over the text, so a handle put in is never taken for another mention.
    """
    known = {written: "@" + handles[id_] for id_, written in mentions if handles.get(id_)}
    if not known:
        return text
    # Longest first, and not inside a longer word: "@U1" must not eat the start of "@U12".
    pattern = "|".join(re.escape(written) for written in sorted(known, key=len, reverse=True))
    return re.sub(f"(?:{pattern})(?![A-Za-z0-9_])", lambda match: known[match.group(0)], text)

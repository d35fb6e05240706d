"""A strict checker for Telegram's HTML parse mode, used by the fake Bot API server.

It accepts exactly the tags Telegram documents for ``parse_mode=HTML`` and
returns the visible text, so message limits can be counted the way Telegram
counts them: after entity parsing.

It is deliberately stricter than Telegram in one way: a bare ``&`` or ``>``
in text is rejected (Telegram often lets them through as literal characters).
An adapter that escapes every piece of user text passes either way; one that
forgets to escape fails here instead of on the first user who types ``a<b``.
"""

import re
from dataclasses import dataclass

# tag -> attributes that tag must carry (other attributes are ignored, as Telegram does)
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset(),
    "pre": frozenset(),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),
    "blockquote": frozenset(),
    "tg-emoji": frozenset({"emoji-id"}),
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_TAG_END = re.compile(r"\s*>")
_ATTRIBUTE = re.compile(
    r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)


class HtmlParseError(ValueError):
    """The text is not HTML that Telegram would parse; the message follows Telegram's wording."""


@dataclass(frozen=True)
class _OpenTag:
    name: str
    offset: int


def visible_text(html: str) -> str:
    """Return the text a reader sees for Telegram HTML, or raise HtmlParseError."""
    out: list[str] = []
    stack: list[_OpenTag] = []
    i = 0
    while i < len(html):
        char = html[i]
        if char == "<":
            i = _read_tag(html, i, stack)
        elif char == "&":
            decoded, i = _read_entity(html, i)
            out.append(decoded)
        elif char == ">":
            raise HtmlParseError(
                f"Character '>' at byte offset {_byte_offset(html, i)} must be escaped as &gt;"
            )
        else:
            out.append(char)
            i += 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return "".join(out)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _read_entity(html: str, start: int) -> tuple[str, int]:
    match = _ENTITY.match(html, start)
    if match is None or (match.group(3) and match.group(3) not in _NAMED_ENTITIES):
        raise HtmlParseError(
            f"Character '&' at byte offset {_byte_offset(html, start)} must be escaped as &amp;"
        )
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED_ENTITIES[name], match.end()
    code_point = int(decimal) if decimal else int(hexadecimal, 16)
    if not 0 < code_point <= 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
        raise HtmlParseError(f"Invalid entity at byte offset {_byte_offset(html, start)}")
    return chr(code_point), match.end()


def _read_tag(html: str, start: int, stack: list[_OpenTag]) -> int:
    offset = _byte_offset(html, start)
    if html.startswith("</", start):
        end = html.find(">", start)
        if end == -1:
            raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
        name = html[start + 2 : end].strip().lower()
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
        if stack[-1].name != name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1].name}>", '
                f'found "</{name}>"'
            )
        stack.pop()
        return end + 1
    name_match = _TAG_NAME.match(html, start + 1)
    if name_match is None:
        raise HtmlParseError(f"Character '<' at byte offset {offset} must be escaped as &lt;")
    name = name_match.group().lower()
    if name not in ALLOWED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
    attributes, end = _read_attributes(html, name_match.end())
    if end is None:
        raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
    _check_attributes(name, attributes, offset)
    _check_nesting(name, stack, offset)
    stack.append(_OpenTag(name, offset))
    return end


def _read_attributes(html: str, position: int) -> tuple[dict[str, str], int | None]:
    """The attributes from position on, and the index after the tag's ">" (None if missing)."""
    attributes: dict[str, str] = {}
    while (match := _ATTRIBUTE.match(html, position)) is not None:
        value = next((group for group in match.groups()[1:] if group is not None), "")
        attributes[match.group(1).lower()] = value
        position = match.end()
    closing = _TAG_END.match(html, position)
    return attributes, closing.end() if closing else None


def _check_attributes(name: str, attributes: dict[str, str], offset: int) -> None:
    missing = ALLOWED_TAGS[name] - attributes.keys()
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if missing:
        raise HtmlParseError(
            f'Tag "{name}" must have attribute "{sorted(missing)[0]}" at byte offset {offset}'
        )


def _check_nesting(name: str, stack: list[_OpenTag], offset: int) -> None:
    open_names = {tag.name for tag in stack}
    # Telegram allows only <pre><code class="language-..."> inside pre, nothing inside code,
    # and neither links nor blockquotes inside themselves.
    code_in_pre = name == "code" and stack[-1].name == "pre" if stack else False
    nested_in_itself = name in {"a", "blockquote"} and name in open_names
    if "code" in open_names or ("pre" in open_names and not code_in_pre) or nested_in_itself:
        raise HtmlParseError(
            f'Tag "{name}" can\'t be nested inside "{stack[-1].name}" at byte offset {offset}'
        )

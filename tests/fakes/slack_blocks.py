"""Block Kit checks of the fake Slack platform, worded like Slack's ``invalid_blocks`` errors.

Slack answers a bad layout with ``{"ok": false, "error": "invalid_blocks", "errors":
["<problem> [json-pointer:/blocks/0/text/text]"]}``; ``block_errors`` returns those
strings. The fake knows section, actions, context, header, divider and input blocks
(Block Kit reference, "Blocks") and refuses any other type, so a test never passes
on a layout nobody checked.
"""

from typing import Any

from tests.fakes.slack_limits import SlackLimits

TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
_SELECTS = frozenset(
    {
        "static_select",
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
    }
)
_WITH_OPTIONS = frozenset(
    {"static_select", "multi_static_select", "overflow", "checkboxes", "radio_buttons"}
)
ACTION_ELEMENTS = _SELECTS | {
    "button",
    "overflow",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "checkboxes",
    "radio_buttons",
}
INPUT_ELEMENTS = _SELECTS | {
    "plain_text_input",
    "number_input",
    "email_text_input",
    "url_text_input",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "checkboxes",
    "radio_buttons",
}
ACCESSORY_ELEMENTS = ACTION_ELEMENTS | {"image"}


class _Checker:
    def __init__(self, limits: SlackLimits) -> None:
        self.limits = limits
        self.errors: list[str] = []

    def fail(self, problem: str, pointer: str) -> None:
        self.errors.append(f"{problem} [json-pointer:{pointer}]")

    def length(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)

    def text_object(self, obj: Any, pointer: str, limit: int, *, plain_only: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail("expected an object", pointer)
            return
        kind = obj.get("type")
        allowed = {"plain_text"} if plain_only else TEXT_TYPES
        if kind not in allowed:
            self.fail(f"must be one of {sorted(allowed)}", f"{pointer}/type")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fail("must be more than 0 characters", f"{pointer}/text")
            return
        self.length(text, limit, f"{pointer}/text")

    def block(self, block: Any, pointer: str, block_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.fail("expected an object", pointer)
            return
        block_id = block.get("block_id")
        if block_id is not None:
            self.length(block_id, self.limits.block_id, f"{pointer}/block_id")
            if block_id in block_ids:
                self.fail(f"duplicate block_id {block_id}", f"{pointer}/block_id")
            block_ids.add(block_id)
        check = getattr(self, f"_{block.get('type')}", None)
        if check is None:
            self.fail(f"unsupported block type {block.get('type')!r}", f"{pointer}/type")
            return
        check(block, pointer)

    def _section(self, block: dict[str, Any], pointer: str) -> None:
        limits = self.limits
        if "text" not in block and "fields" not in block:
            self.fail("must provide text or fields", pointer)
        if "text" in block:
            self.text_object(block["text"], f"{pointer}/text", limits.section_text)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or not fields:
                self.fail("must be a non-empty array", f"{pointer}/fields")
            else:
                if len(fields) > limits.section_fields:
                    self.fail(
                        f"must be less than {limits.section_fields + 1} items", f"{pointer}/fields"
                    )
                for i, item in enumerate(fields):
                    self.text_object(item, f"{pointer}/fields/{i}", limits.section_field_text)
        if "accessory" in block:
            self.element(block["accessory"], f"{pointer}/accessory", ACCESSORY_ELEMENTS)

    def _actions(self, block: dict[str, Any], pointer: str) -> None:
        elements = self._elements(block, pointer, self.limits.actions_elements)
        for i, element in enumerate(elements):
            self.element(element, f"{pointer}/elements/{i}", ACTION_ELEMENTS)

    def _context(self, block: dict[str, Any], pointer: str) -> None:
        elements = self._elements(block, pointer, self.limits.context_elements)
        for i, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") == "image":
                self._image(element, f"{pointer}/elements/{i}")
            else:
                self.text_object(element, f"{pointer}/elements/{i}", self.limits.section_text)

    def _header(self, block: dict[str, Any], pointer: str) -> None:
        if "text" not in block:
            self.fail("missing required field: text", pointer)
            return
        self.text_object(block["text"], f"{pointer}/text", self.limits.header_text, plain_only=True)

    def _divider(self, block: dict[str, Any], pointer: str) -> None:
        return None

    def _input(self, block: dict[str, Any], pointer: str) -> None:
        limits = self.limits
        if "label" not in block:
            self.fail("missing required field: label", pointer)
        else:
            self.text_object(
                block["label"], f"{pointer}/label", limits.input_label, plain_only=True
            )
        if "hint" in block:
            self.text_object(block["hint"], f"{pointer}/hint", limits.input_hint, plain_only=True)
        if "element" not in block:
            self.fail("missing required field: element", pointer)
        else:
            self.element(block["element"], f"{pointer}/element", INPUT_ELEMENTS)

    def _elements(self, block: dict[str, Any], pointer: str, limit: int) -> list[Any]:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.fail("missing required field: elements", pointer)
            return []
        if len(elements) > limit:
            self.fail(f"must be less than {limit + 1} items", f"{pointer}/elements")
        return elements

    def _image(self, element: dict[str, Any], pointer: str) -> None:
        for name in ("image_url", "alt_text"):
            if not element.get(name):
                self.fail(f"missing required field: {name}", pointer)

    def element(self, element: Any, pointer: str, allowed: frozenset[str]) -> None:
        if not isinstance(element, dict):
            self.fail("expected an object", pointer)
            return
        kind = element.get("type")
        if kind not in allowed:
            self.fail(f"unsupported element type {kind!r} here", f"{pointer}/type")
            return
        if kind == "image":
            self._image(element, pointer)
            return
        limits = self.limits
        self.length(element.get("action_id"), limits.action_id, f"{pointer}/action_id")
        if kind == "button":
            if "text" not in element:
                self.fail("missing required field: text", pointer)
            else:
                self.text_object(
                    element["text"], f"{pointer}/text", limits.button_text, plain_only=True
                )
            self.length(element.get("value"), limits.button_value, f"{pointer}/value")
            self.length(element.get("url"), limits.button_url, f"{pointer}/url")
            if element.get("style") not in (None, "primary", "danger"):
                self.fail("must be one of ['danger', 'primary']", f"{pointer}/style")
        if "placeholder" in element:
            self.text_object(
                element["placeholder"],
                f"{pointer}/placeholder",
                limits.placeholder_text,
                plain_only=True,
            )
        if kind in _WITH_OPTIONS:
            self._options(element, pointer)

    def _options(self, element: dict[str, Any], pointer: str) -> None:
        limits = self.limits
        options = element.get("options")
        if not isinstance(options, list) or not options:
            if "option_groups" not in element:
                self.fail("missing required field: options", pointer)
            return
        if len(options) > limits.options_per_element:
            self.fail(
                f"must be less than {limits.options_per_element + 1} items", f"{pointer}/options"
            )
        for i, option in enumerate(options):
            at = f"{pointer}/options/{i}"
            if not isinstance(option, dict) or "text" not in option:
                self.fail("missing required field: text", at)
                continue
            self.text_object(option["text"], f"{at}/text", limits.option_text)
            self.length(option.get("value"), limits.option_value, f"{at}/value")


def block_errors(
    blocks: Any, limits: SlackLimits, *, max_blocks: int, pointer: str = "/blocks"
) -> list[str]:
    """Every problem in a list of blocks, as Slack words it (empty: the blocks are valid)."""
    checker = _Checker(limits)
    if not isinstance(blocks, list):
        checker.fail("expected an array", pointer)
        return checker.errors
    if len(blocks) > max_blocks:
        checker.fail(f"no more than {max_blocks} items allowed", pointer)
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        checker.block(block, f"{pointer}/{i}", block_ids)
    return checker.errors


def view_errors(view: Any, limits: SlackLimits) -> list[str]:
    """Every problem in a modal or home view (views.open), as Slack words it."""
    checker = _Checker(limits)
    if not isinstance(view, dict):
        checker.fail("expected an object", "/view")
        return checker.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("must be one of ['home', 'modal']", "/view/type")
    if kind == "modal":
        if "title" not in view:
            checker.fail("missing required field: title", "/view")
        else:
            checker.text_object(view["title"], "/view/title", limits.view_title, plain_only=True)
    for name in ("submit", "close"):
        if name in view:
            checker.text_object(
                view[name], f"/view/{name}", limits.view_button_text, plain_only=True
            )
    checker.length(view.get("callback_id"), limits.view_callback_id, "/view/callback_id")
    checker.length(
        view.get("private_metadata"), limits.view_private_metadata, "/view/private_metadata"
    )
    blocks = view.get("blocks")
    if blocks is None:
        checker.fail("missing required field: blocks", "/view")
        return checker.errors
    errors = checker.errors + block_errors(
        blocks, limits, max_blocks=limits.blocks_per_view, pointer="/view/blocks"
    )
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if kind == "modal" and has_input and "submit" not in view:
        errors.append(
            "must provide submit when input blocks are present [json-pointer:/view/submit]"
        )
    return errors

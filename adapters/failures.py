"""What a log line may say about a failure: the error's kind and where it happened.

An exception's message can hold a token (python-telegram-bot repeats it in InvalidToken)
or a person's text, so adapters log the class name and the traceback's frames, never str().
"""

from __future__ import annotations

import traceback


def error_kind(error: BaseException) -> str:
    """The error's class name: safe to log, unlike its message."""
    return type(error).__name__


def frames(error: BaseException) -> str:
    """The traceback's frames (file, line, code) without the exception's message."""
    return "".join(traceback.format_tb(error.__traceback__))

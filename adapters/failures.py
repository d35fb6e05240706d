"""What a log line may say about a failure: the error's kind, never its message.

An exception's message can hold a token (python-telegram-bot repeats it in InvalidToken)
or a person's text, so adapters log the class name as a field; where the traceback matters
they pass the exception as `exc_info`, and bot/logs.py writes its frames and types only.
"""

from __future__ import annotations


def error_kind(error: BaseException) -> str:
    """The error's class name: safe to log, unlike its message."""
    return type(error).__name__

"""The composition root: builds the engine, the core and the adapters from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot import logs
from bot.database import upgrade
from bot.settings import Settings
from core.app import Gotong
from core.clock import Clock, SystemClock
from core.db import make_engine


@dataclass
class Runtime:
    """Everything a command of the CLI needs, built once."""

    settings: Settings
    engine: Engine
    clock: Clock
    gotong: Gotong


def build(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Runtime:
    """Build Gotong from settings; migrate the database first unless told not to."""
    logs.configure(settings)
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    clock = clock or SystemClock()
    gotong = Gotong(
        engine, clock, default_language=settings.language, default_timezone=settings.timezone
    )
    return Runtime(settings=settings, engine=engine, clock=clock, gotong=gotong)

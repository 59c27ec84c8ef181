"""Time travel for the security tests: move the clocks sessions and throttling read."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask


class Clock:
    """Offsets added to real time: ``server`` for database timestamps, ``wall`` for time.time."""

    def __init__(self) -> None:
        self.server = 0.0
        self.wall = 0.0

    def advance(self, *, server: bool = True, wall: bool = True, **delta: float) -> None:
        seconds = timedelta(**delta).total_seconds()
        if server:
            self.server += seconds
        if wall:
            self.wall += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    real_time = time.time

    def utcnow() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=fake.server)

    monkeypatch.setattr(time, "time", lambda: real_time() + fake.wall)
    monkeypatch.setattr("factcheck.auth.services.utcnow", utcnow)
    monkeypatch.setattr("factcheck.auth.throttle.utcnow", utcnow)
    return fake


@pytest.fixture
def another_app(backend: str) -> Iterator[Callable[..., Flask]]:
    """Build more apps on the test database (other workers, other settings); closed afterwards."""
    from factcheck.extensions import db
    from tests.conftest import make_app

    made: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = make_app(backend, **overrides)
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

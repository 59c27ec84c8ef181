"""A live server for browser tests: the real app on 127.0.0.1, a migrated SQLite file, Chromium.

Debian's Chromium only (``/usr/bin/chromium``): nothing downloads a browser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests import dbutil
from tests.conftest import make_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app served from a thread on a free port, with the seeds and the test users loaded."""
    from factcheck.extensions import db
    from factcheck.seeding import load_seeds
    from tests.factories import make_users

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'factcheck.sqlite3'}"
    dbutil.upgrade(url)
    app = make_app(url, TESTING=False, SESSION_COOKIE_SECURE=False)
    users = make_users(app)
    with app.app_context():
        load_seeds(db.session, REPO / "seeds")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"app": app, "users": users, "base": f"http://127.0.0.1:{server.server_port}"}
    finally:
        server.shutdown()
        thread.join(10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make chromium`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pentagon_claim(app: Any) -> int:
    """The seed article's claim the review-path tests walk (the Pentagon's estimate of about
    10,000 North Korean soldiers); the screenshots' folder is made ready too."""
    import sqlalchemy as sa

    from factcheck.extensions import db
    from factcheck.models import Claim

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        claim_id = db.session.scalar(
            sa.select(Claim.id).where(Claim.text.like("Le Pentagone estime%"))
        )
    assert claim_id is not None, "the seed article's Pentagon sentence should be extracted"
    return int(claim_id)

"""Adding articles: pasted text, files, web pages served locally, the CLI; and bad input."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from tests.conftest import REPO, make_app
from tests.dbutil import wipe
from tests.helpers import csrf_token

SEED = (REPO / "seeds" / "000_8d320c1e2e7514cc.txt").read_text(encoding="utf-8")
PARAGRAPHS = SEED.split("\n\n")[3:-2]
PAGE = (
    "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
    "<title>Message de Rutte à Trump</title><meta name='author' content='Milos Schmidt'></head>"
    "<body><nav><a href='/'>Accueil</a> <a href='/monde'>Monde</a></nav><article>"
    "<h1>Message de Rutte à Trump</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article><aside><h3>Laisser un commentaire</h3><form>vingt + dix =</form></aside>"
    "<footer>© Journal 2024</footer></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    routes = {
        "/article.html": ("text/html; charset=utf-8", PAGE.encode()),
        "/report.pdf": ("application/pdf", b"%PDF-1.4 not html"),
        "/empty.html": ("text/html", b"<html><body><nav>menu</nav></body></html>"),
    }

    def do_GET(self) -> None:
        if self.path not in self.routes:
            self.send_error(404)
            return
        content_type, body = self.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _counts():
    """Articles, claims and recorded changes (a refusal's own ``….denied`` event is not one)."""
    changes = sa.select(sa.func.count()).where(AuditEvent.action.not_like("%.denied"))
    return (
        *(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Article, Claim)),
        db.session.scalar(changes),
    )


def _post_new(client, **data):
    token = csrf_token(client, "/articles/new")
    return client.post(
        "/articles/new",
        data={"language": "auto", **data, "csrf_token": token},
        content_type="multipart/form-data",
    )


def test_paste_an_article(app, editor_client):
    response = _post_new(editor_client, text=SEED)
    assert response.status_code == 302
    page = editor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "NATO Secretary General Mark Rutte hopes to work well with Donald Trump." in page
    assert "Milos Schmidt" in page
    with app.app_context():
        article = db.session.scalar(sa.select(Article))
        assert article.language == "fr"
        assert "Laisser un commentaire" not in article.body
        claims = db.session.scalars(sa.select(Claim)).all()
        assert claims, "the seed article has check-worthy claims"
        for claim in claims:
            assert article.body[claim.start_offset : claim.end_offset] == claim.text
            assert f'id="claim-{claim.id}"' in page
    again = _post_new(editor_client, text=SEED)
    assert again.status_code == 302
    assert "already on the desk" in editor_client.get(again.headers["Location"]).get_data(
        as_text=True
    )


def test_upload_markdown_and_html_files(app, editor_client):
    md = "# Un titre\n\nLe Pentagone **estime** que 10 000 soldats ont été envoyés en Russie.\n"
    response = _post_new(editor_client, file=(io.BytesIO(md.encode()), "note.md"))
    assert response.status_code == 302
    response = _post_new(editor_client, file=(io.BytesIO(PAGE.encode()), "page.html"))
    assert response.status_code == 302
    with app.app_context():
        titles = set(db.session.scalars(sa.select(Article.title)))
        assert titles == {"Un titre", "Message de Rutte à Trump"}
        html_article = db.session.scalar(sa.select(Article).where(Article.title.like("Message%")))
        assert html_article.byline == "Milos Schmidt"
        assert "Accueil" not in html_article.body and "vingt + dix" not in html_article.body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "give exactly one of"),
        ({"text": SEED, "url": "https://example.org/"}, "give exactly one of"),
        ({"file": (b"\x89PNG\r\n\x1a\n\x00\x00", "image.txt")}, "is binary"),
        ({"file": ("é".encode("latin-1") * 20, "latin.txt")}, "not UTF-8"),
        ({"file": (b"x", "sheet.xlsx")}, "unsupported file type"),
        ({"url": "javascript:alert(1)"}, "must be an http:// or https:// address"),
        ({"url": "http://127.0.0.1:9/x"}, "private or local address"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(app, editor_client, data, message):
    if "file" in data:  # a fresh stream for each backend's run
        content, name = data["file"]
        data = {**data, "file": (io.BytesIO(content), name)}
    with app.app_context():
        before = _counts()
    response = _post_new(editor_client, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def test_web_page_served_locally_is_read(backend, site, users):
    app = make_app(backend, FETCH_ALLOW_PRIVATE=True)
    try:
        _read_local_pages(app, site, users)
    finally:
        wipe(app)


def _read_local_pages(app, site, users):
    """A web page is fetched by a job: the POST answers 303 to the job's page at once; the job
    (run immediately in tests) leads to the article, or shows why it failed."""
    from tests.helpers import login

    client = app.test_client()
    login(client, users["editor"].email)
    response = _post_new(client, url=f"{site}/article.html")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert "/articles/jobs/" in response.headers["Location"]
    done = client.get(response.headers["Location"])
    assert done.status_code == 302 and "/articles/" in done.headers["Location"]
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Article added from the web page." in page and "Fetched by" in page
    with app.app_context():
        article = db.session.scalar(sa.select(Article))
        assert article.url == f"{site}/article.html"
        assert article.title == "Message de Rutte à Trump"
        assert article.body.startswith("Le secrétaire général de l’OTAN")
        assert "Accueil" not in article.body and "vingt + dix" not in article.body
    again = _post_new(client, url=f"{site}/article.html#comments")
    assert again.status_code == 302, "the same canonical URL is the article already stored"
    for path, message, state in (
        ("/report.pdf", "is not a web page", "failed"),
        ("/missing.html", "HTTP 404", "failed"),
        ("/empty.html", "no article text", "failed"),
    ):
        response = _post_new(client, url=site + path)
        assert response.status_code == 303
        shown = client.get(response.headers["Location"]).get_data(as_text=True)
        assert message in shown and f'id="job-state">{state}<' in shown, shown
    response = _post_new(client, url="http://127.0.0.1:9/closed")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "could not reach" in shown and 'id="job-state">queued<' in shown
    assert "attempt 1 of 4" in shown
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 1


def test_ingest_command(app, runner, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(SEED, encoding="utf-8")
    first = runner.invoke(args=["ingest", str(path)])
    assert first.exit_code == 0, first.output
    assert "stored: NATO Secretary General" in first.output
    second = runner.invoke(args=["ingest", "-"], input=SEED)
    assert second.exit_code == 0 and "already stored" in second.output
    for args, message in (
        (["ingest", str(tmp_path / "nope.txt")], "no such file"),
        (["ingest", "-"], "article is empty"),
    ):
        result = runner.invoke(args=args, input="")
        assert result.exit_code == 1 and message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 1


def test_ingest_many_files_a_folder_and_urls(backend, tmp_path):
    """Bulk ingestion: per-item report (stored / already known / refused and why), a summary,
    exit 1 when any item was refused, and nothing half-stored for the refused ones."""
    from tests.fetching.servers import page, serve

    app = make_app(backend, FETCH_ALLOW_HOSTS="127.0.0.2")
    try:
        folder = tmp_path / "inbox"
        (folder / "sub").mkdir(parents=True)
        (folder / "a.txt").write_text(SEED, encoding="utf-8")
        (folder / "sub" / "b.md").write_text(
            "# Un titre\n\nLe Pentagone estime que 10 000 soldats ont été envoyés.\n",
            encoding="utf-8",
        )
        (folder / "ignored.pdf").write_bytes(b"%PDF")
        (folder / ".hidden.txt").write_text("secret", encoding="utf-8")
        empty = tmp_path / "empty.txt"
        empty.write_text("   ", encoding="utf-8")
        runner = app.test_cli_runner()
        with serve("127.0.0.2", {"/p.html": page(PAGE)}) as site:
            result = runner.invoke(
                args=[
                    "ingest",
                    str(folder),
                    f"{site.url}/p.html",
                    str(empty),
                    str(folder / "a.txt"),
                    "http://127.0.0.1:9/private",
                ]
            )
            lines = result.output.splitlines()
            assert result.exit_code == 1, result.output
            assert lines[0].startswith(f"{folder / 'a.txt'}: article #") and "stored" in lines[0]
            assert "stored: Un titre" in lines[1]
            assert "stored: Message de Rutte à Trump" in lines[2]
            assert lines[3] == f"{empty}: refused: article is empty"
            assert "already known: article #1" in lines[4]
            assert "refused:" in lines[5] and "private or local address" in lines[5]
            assert lines[6] == "6 items: 3 stored, 1 already known, 2 refused"
            # The same again, through the job queue (run at once in tests): all already known.
            again = runner.invoke(args=["ingest", "--queue", str(folder), f"{site.url}/p.html"])
            assert again.exit_code == 0, again.output
            assert again.output.count(": already known: article #") == 3
            assert "3 items: 0 stored, 3 already known, 0 refused" in again.output
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 3
    finally:
        wipe(app)


def test_ingest_queue_reports_failed_jobs(app, runner, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><nav>menu</nav></body></html>", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(SEED, encoding="utf-8")
    result = runner.invoke(args=["ingest", "--queue", str(bad), str(good)])
    assert result.exit_code == 1
    assert f"{bad}: refused: no article text was found in the page" in result.output
    assert f"{good}: article #" in result.output and "stored: NATO" in result.output


@pytest.mark.slow
def test_ingest_shows_a_progress_bar_on_a_terminal_only(tmp_path):
    """On a terminal (a pseudo-terminal here) tqdm draws a bar; piped output has none."""
    import os
    import pty
    import subprocess
    import sys

    from tests.dbutil import upgrade

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    upgrade(url)
    files = []
    for n in range(2):
        path = tmp_path / f"a{n}.txt"
        path.write_text(SEED.replace("Rutte", f"Rutte {n}"), encoding="utf-8")
        files.append(str(path))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "k" * 40,
        "PYTHONPATH": str(REPO),
        "FACTCHECK_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    command = [sys.executable, "-c", "from factcheck.cli import main; main()", "ingest", *files]
    primary, secondary = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(command, env=env, stdout=secondary, stderr=secondary, cwd=REPO)
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    assert proc.wait(60) == 0, output
    text = output.decode("utf-8", "replace")
    assert "2/2" in text and "item/s" in text, text
    assert "2 items: 0 stored, 2 already known, 0 refused" not in text
    assert "2 items: 2 stored, 0 already known, 0 refused" in text
    piped = subprocess.run(
        [*command[:-2], files[0]], env=env, capture_output=True, timeout=60, cwd=REPO, check=False
    )
    assert piped.returncode == 0
    assert "item/s" not in piped.stdout.decode() + piped.stderr.decode()
    assert "already known" in piped.stdout.decode()

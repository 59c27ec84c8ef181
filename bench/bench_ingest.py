"""URL ingestion through the job queue: 1 and 2 workers on Redis, against the bare pipeline.

    .venv/bin/python bench/bench_ingest.py [--count 1000] [--workers 1 2] [--database URL]

``--count`` distinct articles (the seed article, each with its own number and paragraph order)
are served on 127.0.0.2 (allowed with FETCH_ALLOW_HOSTS). For each worker count, a fresh
database (SQLite in a temporary folder unless ``--database`` names an empty PostgreSQL one) and
a fresh queue on Redis (127.0.0.1:6379, a unique name, deleted afterwards) are used; ``factcheck
worker`` processes are started and warmed up, then every URL is submitted as a job and the clock
runs until every job is done or failed. The baseline is the bare extraction pipeline (HTML
reading with trafilatura + ``factcheck.extraction.extract``) on the same pages, in this process,
with no fetching, queue or database. Duplicates (two articles for one URL or one text) must be 0.
Without Redis the SQLite queue in the temporary instance folder is used, and the run says so.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from tests.extraction.seed import seed_body  # noqa: E402

HOST = "127.0.0.2"
REDIS_URL = "redis://127.0.0.1:6379/0"


def make_pages(count: int) -> dict[str, bytes]:
    paragraphs = [p for p in seed_body().split("\n\n") if p.strip()]
    rng = random.Random(12)
    pages = {}
    for n in range(count):
        body = paragraphs[:]
        rng.shuffle(body)
        html = (
            f"<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
            f"<title>Dépêche {n}</title></head><body><article><h1>Dépêche {n}</h1>"
            f"<p>Dépêche numéro {n} : le Pentagone estime que {n + 1} 000 soldats ont été "
            "envoyés.</p>" + "".join(f"<p>{p}</p>" for p in body) + "</article></body></html>"
        )
        pages[f"/a/{n}.html"] = html.encode()
    return pages


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def bare_pipeline(pages: dict[str, bytes]) -> float:
    """Seconds for trafilatura + extraction over every page, in this process."""
    from factcheck.articles.reading import parse_html
    from factcheck.extraction import extract

    first = next(iter(pages.values())).decode()
    extract(parse_html(first).body, "fr")  # load and warm up
    start = time.perf_counter()
    for markup in pages.values():
        parsed = parse_html(markup.decode())
        extract(parsed.body, parsed.language)
    return time.perf_counter() - start


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


def run(
    workers: int, urls: list[str], folder: Path, database: str | None, use_redis: bool
) -> dict[str, float]:
    from tests.dbutil import reset_postgres_schema, upgrade

    name = f"factcheck-bench-{uuid.uuid4().hex[:8]}"
    url = database or f"sqlite:///{folder / f'desk-{workers}.sqlite3'}"
    if database:
        reset_postgres_schema(database, "public")
    upgrade(url)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": url,
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "FACTCHECK_INSTANCE_PATH": str(folder / "instance"),
        "FACTCHECK_FETCH_ALLOW_HOSTS": HOST,
        "FACTCHECK_JOBS_NAME": name,
    }
    if use_redis:
        env["FACTCHECK_JOBS_URL"] = REDIS_URL
    os.environ.update({k: v for k, v in env.items() if k.startswith("FACTCHECK_")})
    procs, logs = [], []
    for i in range(workers):
        log = folder / f"worker-{workers}-{i}.log"
        logs.append(log)
        with log.open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        "from factcheck.cli import main; main()",
                        "worker",
                        "--no-periodic",
                    ],
                    env=env,
                    cwd=REPO,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    try:
        ends = time.monotonic() + 120
        while not all("worker: ready" in log.read_text() for log in logs):
            if time.monotonic() > ends or any(p.poll() is not None for p in procs):
                raise SystemExit("workers did not start:\n" + logs[0].read_text()[-2000:])
            time.sleep(0.2)
        return _submit_and_wait(url, urls, env)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if use_redis:
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"*{name}*"):
                client.delete(key)


def _submit_and_wait(url: str, urls: list[str], env: dict[str, str]) -> dict[str, float]:
    from factcheck import create_app
    from factcheck.articles.jobs import INGEST_URL
    from factcheck.articles.services import url_key
    from factcheck.database import write_intent
    from factcheck.extensions import db
    from factcheck.jobs import dispatch, submit
    from factcheck.models import Article, Job, JobState

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": env["SECRET_KEY"]})
    with app.app_context():
        start = time.perf_counter()
        for page_url in urls:
            with write_intent():
                job, _new = submit(
                    db.session,
                    INGEST_URL,
                    key=url_key(page_url),
                    payload={"url": page_url},
                    actor=None,
                )
                db.session.commit()
            dispatch(job.id)
        while True:
            db.session.rollback()
            left = db.session.scalar(
                sa.select(sa.func.count(Job.id)).where(
                    Job.state.in_([JobState.QUEUED, JobState.RUNNING])
                )
            )
            if not left:
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        articles = db.session.scalar(sa.select(sa.func.count(Article.id))) or 0
        failed = (
            db.session.scalar(sa.select(sa.func.count(Job.id)).where(Job.state == JobState.FAILED))
            or 0
        )
        by_url = sa.select(Article.url).group_by(Article.url).having(sa.func.count() > 1)
        dup_urls = len(db.session.execute(by_url).all())
        distinct_hashes = (
            db.session.scalar(sa.select(sa.func.count(sa.distinct(Article.content_hash)))) or 0
        )
        db.session.remove()
        db.engine.dispose()
    return {
        "seconds": seconds,
        "articles": articles,
        "failed": failed,
        "duplicates": dup_urls + (articles - distinct_hashes),
    }


def main() -> None:
    """Print articles/s for each worker count, the ratio to the bare pipeline, duplicates."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database", default=None, help="an empty PostgreSQL database URL")
    args = parser.parse_args()

    pages = make_pages(args.count)
    use_redis = redis_available()
    server = serve(pages)
    base = f"http://{HOST}:{server.server_address[1]}"
    urls = [base + path for path in pages]
    bare_s = bare_pipeline(pages)
    bare_rate = args.count / bare_s
    print(
        f"{args.count} articles served on {HOST}; queue: "
        + ("Redis 127.0.0.1:6379" if use_redis else "SQLite (no Redis reachable)")
        + f"; database: {'PostgreSQL' if args.database else 'SQLite'}"
    )
    print(f"bare pipeline (trafilatura + extract, 1 process): {bare_rate:7.1f} articles/s")
    failed_any = False
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-ingest-") as tmp:
        for workers in args.workers:
            result = run(workers, urls, Path(tmp), args.database, use_redis)
            rate = result["articles"] / result["seconds"]
            print(
                f"{workers} worker{'s' if workers > 1 else ' '} : {rate:7.1f} articles/s "
                f"({result['articles']:.0f} stored in {result['seconds']:.1f} s), "
                f"ratio to bare {rate / bare_rate:.2f}, failed {result['failed']:.0f}, "
                f"duplicates {result['duplicates']:.0f} (must be 0)"
            )
            failed_any |= bool(result["duplicates"] or result["failed"])
    server.shutdown()
    if failed_any:
        sys.exit(1)


if __name__ == "__main__":
    main()

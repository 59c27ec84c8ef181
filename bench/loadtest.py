"""Load test: gunicorn on SQLite and on PostgreSQL, driven by Locust, then the audit trail checked.

    .venv/bin/python bench/loadtest.py [--backend sqlite|postgresql|both] [--duration 60]
        [--users 50] [--ingesters 2] [--claims 10000] [--workers 4] [--threads 2] [--postgres URL]

For each backend: a fresh database (SQLite in a temporary folder; PostgreSQL in ``fc_load``,
created if missing, whose ``public`` schema is emptied), migrated to head; 10,000 claims seeded
through the services in large transactions (so the audit chain is the real one); gunicorn
started on a free port of 127.0.0.1; Locust run headless from its own process with the newsroom
mix of ``bench/loadtest_locust.py`` (reviewers, editors, ingesters whose pages a ``factcheck
worker`` fetches from a loopback server, and public readers of the index, pages and feed).
Users start ``--spawn-rate`` a second and each signs in once (argon2id: deliberately slow).
The audit events of the run must equal the successful writes, the worker's included (one
``article.ingest`` per article it stored, one ``claim.create`` per claim in them).
Requests/s and p50/p95/p99 are computed from every request Locust
made, for the steady state (requests begun after the last sign-in) and for the whole run; sign-ins
are reported on their own; errors are counted over the whole run. Then it verifies the audit
chain and checks that the events written during the run are exactly the successful writes Locust
counted. Exit status 1 on any error or audit mismatch.

Goals: no errors; p99 under 1 s on SQLite and under 300 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
SECRET = "loadtest-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - throwaway databases
PASSWORD = "load test passphrase 2026"  # noqa: S105 - the seeded users of a throwaway database
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/fc_load"
GOAL_P99_MS = {"sqlite": 1000, "postgresql": 300}
CLAIMS_PER_ARTICLE = 100
EDITORS, REVIEWERS = 4, 16
WORDS = [
    *("soldats", "envoyés", "région", "Koursk", "rapport", "OTAN", "membres", "objectif"),
    *("dépenses", "défense", "PIB", "Trump", "Rutte", "Ukraine", "Russie", "alliance", "sommet"),
    *("Pentagone", "estimation", "budget", "troupes", "élection"),
]
# Successful request name → the audit actions each one writes.
WRITES = {
    "POST /login": ("login.success",),
    "POST /queue/take-next": ("claim.take",),
    "POST /claims/<id>/sources": ("source.add",),
    "POST /claims/<id>/verdict": ("verdict.draft|verdict.edit",),
    "POST /claims/<id>/propose": ("verdict.propose", "claim.propose"),
    "POST /claims/<id>/approve": ("verdict.approve", "claim.publish"),
    "POST /articles/new (url)": ("job.submit",),
}
# Written by the job worker for each page it ingests: compared with the rows it stored.
WORKER_ACTIONS = ("article.ingest", "claim.create")
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><header><nav><a href="/">Accueil</a></nav></header><main><article><h1>{title}</h1>
{paragraphs}</article></main><footer>© Le Journal de charge</footer></body></html>"""


def log(message: str) -> None:
    print(message, flush=True)


def app_for(url: str, instance: Path) -> Any:
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    from factcheck import create_app

    return create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})


# --- the databases ----------------------------------------------------------------------------


def prepare_postgres(url: str) -> str:
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
            log(f"created database {target.database}")
    admin.dispose()
    engine = sa.create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return url


def sentence(article: int, n: int, rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(8))
    return f"Selon le rapport {article}-{n}, {rng.randint(2, 99_000)} {words} en {2000 + n % 25}."


def seed(app: Any, claims: int) -> dict[str, Any]:
    """Users, scales, articles and claims, all through the services: the audit chain is real."""
    from flask_migrate import upgrade

    from factcheck.articles.parsing import ParsedArticle
    from factcheck.articles.services import ingest_article
    from factcheck.auth.services import create_user
    from factcheck.claims import workflow
    from factcheck.claims.services import add_manual_claim
    from factcheck.database import write_intent
    from factcheck.extensions import db
    from factcheck.models import RatingScale, Role
    from factcheck.ratings.services import ensure_default_scales

    rng = random.Random(2026)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        with write_intent():
            admin = create_user(
                db.session,
                email="admin@load.example.org",
                password=PASSWORD,
                role=Role.ADMIN,
                actor=None,
            )
            editors = [
                create_user(
                    db.session,
                    email=f"editor{i}@load.example.org",
                    password=PASSWORD,
                    role=Role.EDITOR,
                    actor=admin,
                )
                for i in range(EDITORS)
            ]
            reviewers = [
                create_user(
                    db.session,
                    email=f"reviewer{i}@load.example.org",
                    password=PASSWORD,
                    role=Role.REVIEWER,
                    actor=admin,
                )
                for i in range(REVIEWERS)
            ]
            ensure_default_scales(db.session, actor=admin)
            db.session.commit()
        editor = editors[0]
        for a in range(max(1, claims // CLAIMS_PER_ARTICLE)):
            lines = [sentence(a, n, rng) for n in range(CLAIMS_PER_ARTICLE)]
            body = " ".join(lines)
            parsed = ParsedArticle(
                title=f"Article de charge {a}",
                byline=None,
                headline=None,
                body=body,
                language="fr",
                raw=body,
            )
            with write_intent():
                article = ingest_article(db.session, parsed, actor=editor, extract_claims=False)
                for n, line in enumerate(lines):
                    claim = add_manual_claim(db.session, article.article, line, actor=editor)
                    if n % 5:  # four in five go to the queue
                        workflow.accept(db.session, claim, actor=editor)
                db.session.commit()
            if a % 20 == 19:
                spent = time.perf_counter() - started
                log(f"  seeded {(a + 1) * CLAIMS_PER_ARTICLE} claims ({spent:.0f} s)")
        emails = {"editors": [e.email for e in editors], "reviewers": [r.email for r in reviewers]}
        ratings: dict[str, list[int]] = {}
        for scale in db.session.scalars(sa.select(RatingScale)):
            ratings.setdefault(scale.language, [v.id for v in scale.values])
        head = int(db.session.execute(sa.text("SELECT seq FROM audit_chain_head")).scalar_one())
        seed_articles = int(
            db.session.execute(sa.text("SELECT max(id) FROM articles")).scalar_one()
        )
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load: without statistics the
            # planner scans every claim for a search instead of using its GIN index.
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    log(f"seeded {claims} claims, {head} audit events in {time.perf_counter() - started:.0f} s")
    return {
        **emails,
        "ratings": ratings,
        "seed_seq": head,
        "seed_articles": seed_articles,
    }


# --- gunicorn and locust ---------------------------------------------------------------------


def serve_pages() -> tuple[Any, str]:
    """A loopback web server of distinct French news pages (``/article/<n>``) for the jobs."""
    import http.server
    import threading

    class Pages(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            n = self.path.rsplit("/", 1)[-1]
            if not n.isdigit():
                self.send_error(404)
                return
            rng = random.Random(int(n))
            paragraphs = "\n".join(
                f"<p>{sentence(int(n), k, rng)} {sentence(int(n), k + 1, rng)} "
                f"Selon le rapport publié le {1 + k % 28} juin, {k * 3 + int(n) % 97} % des "
                f"membres de l'OTAN atteignent l'objectif de 2 % du PIB.</p>"
                for k in range(6)
            )
            body = PAGE.format(title=f"Dépêche de charge {n}", paragraphs=paragraphs).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def start_worker(url: str, instance: Path) -> Any:
    """``factcheck worker`` on the instance's job queue (SQLite file), as ``make run`` starts it."""
    command = [sys.executable, "-m", "factcheck.cli", "worker", "-w", "2", "--no-periodic"]
    env = {**server_env(url, instance)}
    log_file = open(instance / "worker.log", "w", encoding="utf-8")  # noqa: SIM115 - kept open
    return subprocess.Popen(
        command, cwd=REPO, env=env, start_new_session=True, stdout=log_file, stderr=log_file
    )


def server_env(url: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "FACTCHECK_INSTANCE_PATH": str(instance),
        "FACTCHECK_SESSION_COOKIE_SECURE": "false",
        # The pages the ingestion jobs fetch are served on loopback by this harness.
        "FACTCHECK_FETCH_ALLOW_PRIVATE": "true",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(url: str, instance: Path, workers: int, threads: int) -> tuple[Any, str]:
    port = free_port()
    env = server_env(url, instance)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--error-logfile",
        str(instance / "gunicorn.log"),
        "factcheck:create_app()",
    ]
    server = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not start; see {instance / 'gunicorn.log'}")
        time.sleep(0.3)
    log(f"gunicorn: {workers} workers × {threads} threads on {base}")
    return server, base


def stop(server: Any) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_locust(base: str, config: Path, prefix: Path, args: argparse.Namespace) -> None:
    env = {**os.environ, "LOADTEST_CONFIG": str(config)}
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(REPO / "bench" / "loadtest_locust.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "30",
        "--host",
        base,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log(f"locust: {args.users} users ({args.spawn_rate}/s) for {args.duration} s")
    with open(f"{prefix}.log", "w", encoding="utf-8") as output:
        subprocess.run(command, env=env, check=True, stdout=output, stderr=subprocess.STDOUT)


@dataclass
class Figures:
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    failed: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"{self.rate:6.1f} req/s {self.requests:>6} requests  p50 {self.p50:5.0f}"
            f"  p95 {self.p95:5.0f}  p99 {self.p99:5.0f} ms  errors {self.failed}"
        )


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def figures(requests: list[list[Any]], since: float, until: float) -> Figures:
    """Requests that started at or after ``since`` (end time minus duration)."""
    chosen = [r for r in requests if r[0] - r[2] / 1000 >= since]
    times = [r[2] for r in chosen]
    return Figures(
        requests=len(chosen),
        seconds=max(until - since, 0.001),
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
        failed=sum(1 for r in chosen if r[3]),
    )


# --- the audit check -------------------------------------------------------------------------


def audit_check(
    app: Any, seed_seq: int, writes: dict[str, int], seed_articles: int | None = None
) -> tuple[bool, list[str]]:
    """Verify the chain; compare the run's events with the successful writes, and (when
    ``seed_articles``, the last seeded article id, is given) the worker's events with the
    articles and claims it stored after it."""
    from factcheck.audit.store import verify_database
    from factcheck.extensions import db
    from factcheck.models import Article, AuditEvent, Claim

    with app.app_context():
        result = verify_database(db.session)
        actions = Counter(
            db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.seq > seed_seq))
        )
        # What the worker stored for the pages it ingested: each row must have its event.
        stored_articles = stored_claims = 0
        if seed_articles is not None:
            stored_articles = db.session.scalar(
                sa.select(sa.func.count()).select_from(Article).where(Article.id > seed_articles)
            )
            stored_claims = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Claim)
                .where(Claim.article_id > seed_articles)
            )
        db.session.remove()
        db.engine.dispose()
    lines = [f"audit chain: {result.summary()}"]
    ok = bool(result)
    expected: Counter[str] = Counter()
    for name, written in WRITES.items():
        done = int(writes.get(name, 0))
        for action in written:
            expected[action] += done
    if seed_articles is not None:
        expected["article.ingest"] += int(stored_articles or 0)
        expected["claim.create"] += int(stored_claims or 0)
    seen: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for action, n in actions.items():
        if action.endswith(".denied"):  # a refused request (409 races...): not a write
            refused[action] += n
            continue
        key = (
            "verdict.draft|verdict.edit" if action in ("verdict.draft", "verdict.edit") else action
        )
        seen[key] += n
    for action in sorted(set(expected) | set(seen)):
        match = "ok" if expected[action] == seen[action] else "MISMATCH"
        ok &= match == "ok"
        lines.append(
            f"  {action:<28} successful writes {expected[action]:>6}"
            f"  events {seen[action]:>6}  {match}"
        )
    total_writes, total_events = sum(expected.values()), sum(seen.values())
    lines.append(
        f"  events during the run: {total_events}; expected from successful writes: {total_writes}"
    )
    if refused:
        lines.append(
            f"  refusals recorded (….denied, not writes): {sum(refused.values())} "
            + ", ".join(f"{a} {n}" for a, n in sorted(refused.items()))
        )
    return ok, lines


# --- one backend -----------------------------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace, work: Path) -> bool:
    log(f"\n=== {backend} ===")
    instance = work / backend
    instance.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        url = f"sqlite:///{instance / 'load.sqlite3'}"
    else:
        try:
            url = prepare_postgres(args.postgres)
        except sa.exc.OperationalError as exc:
            log(f"PostgreSQL skipped: cannot reach {args.postgres}: {exc.orig}")
            return True
    app = app_for(url, instance)
    seeded = seed(app, args.claims)
    pages, pages_url = serve_pages()
    config = instance / "locust.json"
    config.write_text(
        json.dumps(
            {
                **seeded,
                "password": PASSWORD,
                "wait_min": args.wait_min,
                "wait_max": args.wait_max,
                "ingesters": max(1, args.ingesters),
                "pages": pages_url,
            }
        )
    )
    server, base = start_gunicorn(url, instance, args.workers, args.threads)
    worker = start_worker(url, instance)
    try:
        run_locust(base, config, instance / "locust", args)
    finally:
        stop(server)
        stop(worker)
    pages.shutdown()
    load = os.getloadavg()
    counted = json.loads(Path(f"{config}.writes.json").read_text())
    requests = counted["requests"]
    errors = sum(counted["errors"].values())
    started = min(r[0] - r[2] / 1000 for r in requests)
    ended = max(r[0] for r in requests)
    signed_in = max(r[0] for r in requests if r[1] == "POST /login")
    whole = figures(requests, started, ended)
    steady = figures(requests, signed_in, ended)
    log(f"\nsteady state ({ended - signed_in:.0f} s after the last sign-in), per request (ms):")
    for name in sorted({r[1] for r in requests}):
        times = [r[2] for r in requests if r[1] == name and r[0] - r[2] / 1000 >= signed_in]
        if times:
            log(
                f"  {name:<32}{len(times):>6}  p50 {percentile(times, 50):5.0f}"
                f"  p95 {percentile(times, 95):5.0f}  p99 {percentile(times, 99):5.0f}"
            )
    sign_ins = [r[2] for r in requests if r[1] == "POST /login"]
    log(f"\n{backend} steady state: {steady.line()}")
    log(f"{backend} whole run:    {whole.line()}")
    log(
        f"sign-ins (argon2id) during the {signed_in - started:.0f} s ramp: {len(sign_ins)}, "
        f"p50 {percentile(sign_ins, 50):.0f} ms, slowest {max(sign_ins):.0f} ms"
    )
    log(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} (1/5 min)")
    for line, n in counted["errors"].items():
        log(f"  error: {line} ×{n}")
    jobs = counted.get("jobs", {})
    log(
        f"ingestion jobs followed to their end: {jobs.get('done', 0)} done, "
        f"{jobs.get('failed', 0)} failed, {jobs.get('unfinished', 0)} unfinished at the deadline"
    )
    audit_ok, lines = audit_check(
        app, seeded["seed_seq"], counted["writes"], seeded["seed_articles"]
    )
    for line in lines:
        log(line)
    p99 = steady.p99
    goal = GOAL_P99_MS[backend]
    log(
        f"goal: 0 errors and p99 < {goal} ms: "
        + ("met" if errors == 0 and p99 < goal else "MISSED")
    )
    return errors == 0 and audit_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", 60)))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--ingesters", type=int, default=2, help="users handing web pages to ingestion jobs"
    )
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=2.0,
        help="Users started per second (each signs in once: argon2id is deliberately costly).",
    )
    parser.add_argument("--wait-min", type=float, default=0.2)
    parser.add_argument("--wait-max", type=float, default=1.0)
    parser.add_argument(
        "--postgres", default=os.environ.get("FACTCHECK_LOADTEST_POSTGRES_URL", DEFAULT_PG)
    )
    parser.add_argument("--keep", action="store_true", help="Keep the work folder (logs, CSV).")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    work = Path(tempfile.mkdtemp(prefix="factcheck-load-"))
    ok = True
    for backend in backends:
        ok &= run_backend(backend, args, work)
    if args.keep:
        log(f"\nwork folder: {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

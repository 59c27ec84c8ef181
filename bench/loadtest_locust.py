"""The newsroom mix for Locust, driven by ``bench/loadtest.py`` (which writes LOADTEST_CONFIG).

Reviewers browse the queue with filters and searches, take the next claim, open its desk, add a
source, save a verdict and propose it. Editors browse, then approve proposals (each editor only
those whose id falls to them, so two editors never race for one approval). Ingesters hand web
pages (served on loopback by the harness) to the ingestion jobs and follow each job to its end;
readers (not signed in) read the public index, fact-check pages and the ClaimReview feed.
Writes ask for JSON, so every request is named for what it did and a refusal is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from typing import Any

from locust import HttpUser, between, events, task

with open(os.environ["LOADTEST_CONFIG"], encoding="utf-8") as _config:
    CONFIG: dict[str, Any] = json.load(_config)
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
JSON = {"Accept": "application/json"}
SEARCHES = ("soldats", "OTAN", "défense", "Koursk", "PIB", "Rutte", "rapport")
_reviewers = itertools.count()
_editors = itertools.count()
# Successful writes by request name, counted when each answer arrives (the CSV is written when
# the run time is up, possibly before the last tasks finish): the harness compares them with
# the audit events.
WRITES: Counter[str] = Counter()
# Every request as (end time, name, ms, failed), and the failures: the harness computes the
# figures of the whole run and of the steady state after the last sign-in from these.
REQUESTS: list[tuple[float, str, float, bool]] = []
ERRORS: Counter[str] = Counter()
JOBS: Counter[str] = Counter()  # ingestion jobs followed to their end, by outcome


@events.request.add_listener
def _count(name: str, response_time: float, exception: Any, **_kwargs: Any) -> None:
    REQUESTS.append((time.time(), name, response_time, exception is not None))
    if exception is not None:
        ERRORS[f"{name}: {str(exception)[:120]}"] += 1


class Newsroom(HttpUser):
    abstract = True
    wait_time = between(float(CONFIG["wait_min"]), float(CONFIG["wait_max"]))
    email = ""
    token = ""

    def sign_in(self) -> None:
        page = self.client.get("/login", name="GET /login")
        token = TOKEN.search(page.text)
        assert token, "no CSRF token on /login"
        with self.client.post(
            "/login",
            data={"email": self.email, "password": CONFIG["password"], "csrf_token": token[1]},
            allow_redirects=False,
            name="POST /login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                return
            WRITES["POST /login"] += 1
        queue = self.client.get("/queue", name="GET /queue")
        found = TOKEN.search(queue.text)
        assert found, "no CSRF token on /queue"
        self.token = found[1]

    def post_json(
        self, path: str, name: str, data: dict[str, Any] | None = None, expect: int = 200
    ) -> Any:
        with self.client.post(
            path,
            data={**(data or {}), "csrf_token": self.token},
            headers=JSON,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            WRITES[name] += 1
            return response.json()

    def browse(self) -> None:
        choice = random.random()
        if choice < 0.4:
            self.client.get("/queue?status=queued&sort=priority", name="GET /queue?status")
        elif choice < 0.7:
            self.client.get(f"/queue?q={random.choice(SEARCHES)}", name="GET /queue?q")
        elif choice < 0.85:
            self.client.get("/queue?assignee=me", name="GET /queue?assignee=me")
        else:
            self.client.get("/queue?status=published&sort=newest", name="GET /queue?published")


class Reviewer(Newsroom):
    weight = 3

    def on_start(self) -> None:
        reviewers = CONFIG["reviewers"]
        self.email = reviewers[next(_reviewers) % len(reviewers)]
        self.sign_in()

    @task(3)
    def look_around(self) -> None:
        self.browse()

    @task(2)
    def check_a_claim(self) -> None:
        with self.client.post(
            "/queue/take-next",
            data={"csrf_token": self.token},
            headers=JSON,
            name="POST /queue/take-next",
            catch_response=True,
        ) as response:
            claim = response.json().get("claim") if response.status_code == 200 else None
            if claim is None:  # the seeded queue is far longer than a run can empty
                response.failure(f"nothing taken: {response.status_code} {response.text[:200]}")
                return
            WRITES["POST /queue/take-next"] += 1
        path = f"/claims/{claim['id']}"
        self.client.get(path, name="GET /claims/<id>")
        self.post_json(
            f"{path}/sources",
            "POST /claims/<id>/sources",
            {
                "url": f"https://www.example.org/report/{claim['id']}",
                "title": "Rapport de référence",
                "publisher": "Example Institute",
                "stance": random.choice(("supports", "refutes", "context")),
            },
        )
        self.client.get(path, name="GET /claims/<id>")
        rating = random.choice(CONFIG["ratings"][claim["language"]])
        saved = self.post_json(
            f"{path}/verdict",
            "POST /claims/<id>/verdict",
            {
                "rating": rating,
                "summary": "Les chiffres publiés confirment l'essentiel.",
                "explanation": "Vérifié auprès du rapport cité.",
                "version": 0,
            },
        )
        if saved is not None:
            # Propose the draft as this desk shows it: its version and the proposal digest.
            desk = self.client.get(path, headers=JSON, name="GET /claims/<id> (json)").json()
            draft = next(v for v in desk["claim"]["verdicts"] if v["state"] == "draft")
            self.post_json(
                f"{path}/propose",
                "POST /claims/<id>/propose",
                {"version": draft["version"], "digest": draft["digest"]},
            )


class Ingester(Newsroom):
    """Hands web pages (served on loopback by the harness) to the ingestion jobs, then follows
    each job to its end, as the job page does."""

    fixed_count = int(CONFIG.get("ingesters", 0))
    _pages = itertools.count()

    def on_start(self) -> None:
        self.email = CONFIG["editors"][0]
        self.sign_in()

    @task
    def ingest_a_page(self) -> None:
        n = next(Ingester._pages)
        job = self.post_json(
            "/articles/new",
            "POST /articles/new (url)",
            {"url": f"{CONFIG['pages']}/article/{n}", "language": "fr"},
            expect=202,
        )
        if job is None:
            return
        path = f"/articles/jobs/{job['job']['id']}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.5)
            with self.client.get(
                path, headers=JSON, name="GET /articles/jobs/<id>", catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}")
                    return
                state = response.json()["job"]["state"]
                if state == "done":
                    JOBS["done"] += 1
                    return
                if state == "failed":
                    response.failure(f"job failed: {response.text[:200]}")
                    JOBS["failed"] += 1
                    return
        JOBS["unfinished"] += 1


class Reader(HttpUser):
    """The public: the fact-check index, a fact-check page, and the ClaimReview feed (with its
    ETag, as a feed reader polls it). Not signed in."""

    weight = 1
    wait_time = between(float(CONFIG["wait_min"]), float(CONFIG["wait_max"]))
    etag = ""

    @task(2)
    def index(self) -> None:
        page = self.client.get("/fact-checks", name="GET /fact-checks")
        slugs = re.findall(r'href="/fact-checks/([^"/?#]+)"', page.text)
        if slugs:
            self.client.get(f"/fact-checks/{random.choice(slugs)}", name="GET /fact-checks/<slug>")

    @task(1)
    def feed(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        response = self.client.get(
            "/claimreview.json", headers=headers, name="GET /claimreview.json"
        )
        self.etag = response.headers.get("ETag", self.etag)


class Editor(Newsroom):
    # Exactly one simulated editor per editor account, whatever --users says, so that the
    # approvals are split between them and two editors never race for the same one (a race is a
    # correct 409, but it would be counted as an error of the run).
    fixed_count = len(CONFIG["editors"])

    def on_start(self) -> None:
        editors = CONFIG["editors"]
        self.slot = next(_editors) % len(editors)
        self.email = editors[self.slot]
        self.sign_in()

    @task(2)
    def look_around(self) -> None:
        self.browse()

    @task(3)
    def approve_one(self) -> None:
        with self.client.get(
            "/queue?status=awaiting_approval&sort=oldest",
            headers=JSON,
            name="GET /queue?awaiting (json)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            claims = response.json()["claims"]
        mine = [c for c in claims if c["id"] % len(CONFIG["editors"]) == self.slot]
        if not mine:
            return
        claim = mine[0]
        self.client.get(f"/claims/{claim['id']}", name="GET /claims/<id>")
        self.post_json(
            f"/claims/{claim['id']}/approve",
            "POST /claims/<id>/approve",
            {"version": claim["version"]},
        )


@events.quitting.add_listener
def _finish(environment: Any, **_kwargs: Any) -> None:
    """Leave the write counts for the harness; exit 0 (the harness reports the errors)."""
    with open(os.environ["LOADTEST_CONFIG"] + ".writes.json", "w", encoding="utf-8") as out:
        json.dump({"writes": WRITES, "errors": ERRORS, "requests": REQUESTS, "jobs": JOBS}, out)
    environment.process_exit_code = 0

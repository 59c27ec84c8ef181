"""The French catalogue is complete and kept complete (issue 16, item 5).

* every message of ``fr/LC_MESSAGES/messages.po`` is translated, not fuzzy, not obsolete, and keeps
  the placeholders of its English text (plural forms too);
* the shipped ``.mo`` is the ``.po`` compiled now, and the ``.pot`` holds exactly the messages the
  code marks today (extracted again into a temporary folder);
* every GET page of the URL map, rendered in French from a database seeded with French data
  (signed in as an admin, and the public pages signed out), shows no English word of a list;
* a message the catalogue lacks, or a language it does not know, shows the English text.

When one of the first three fails: run ``make translations``, translate what is new in the
``.po``, and commit the ``.pot``, ``.po`` and ``.mo``.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from babel.messages import Catalog, mofile, pofile
from flask import Flask
from flask.testing import FlaskClient

from tests import dbutil
from tests.conftest import make_app
from tests.helpers import PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "factcheck" / "translations"
POT = CATALOGUES / "messages.pot"
FR_PO = CATALOGUES / "fr" / "LC_MESSAGES" / "messages.po"
FR_MO = CATALOGUES / "fr" / "LC_MESSAGES" / "messages.mo"
FIX = (
    "run `make translations` (extract, update, compile), translate every new or changed "
    f"message in {FR_PO.relative_to(ROOT)} (no empty msgstr, no '#, fuzzy'), run it again to "
    "compile, and commit the .pot, .po and .mo"
)
# The same extraction as the Makefile's `translations` target.
EXTRACT_ARGS = [
    "extract",
    "-F",
    "babel.cfg",
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "--no-location",
    "--sort-output",
    "--project",
    "factcheck",
    "--copyright-holder",
    "factcheck",
]


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return pofile.read_po(handle, locale="fr")


# --- a. complete: nothing missing, fuzzy, obsolete, or with other placeholders ----------------

# %(name)s, %s, %d, %r… (not the %% of a literal sign), and {name} of str.format.
_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdirfxXeEgGcou]|\{\w*\}")


def placeholders(text: str) -> set[str]:
    """The placeholders of one message text: what must be the same in every language."""
    return set(_PLACEHOLDER.findall(text.replace("%%", "")))


def _texts(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def catalogue_problems(catalog: Catalog) -> list[str]:
    """Every reason ``catalog`` is not complete, one line each (empty when it is)."""
    problems = [f"obsolete: {msgid!r}" for msgid in catalog.obsolete]
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = _texts(message.id)
        strings = _texts(message.string)
        name = repr(ids[0])
        if message.fuzzy:
            problems.append(f"fuzzy: {name}")
        if message.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms instead of {catalog.num_plurals}: {name}")
        if not strings or not all(strings):
            problems.append(f"missing translation: {name}")
            continue
        expected = set().union(*(placeholders(text) for text in ids))
        for index, text in enumerate(strings):
            found = placeholders(text)
            if found != expected:
                form = f" (plural form {index})" if message.pluralizable else ""
                problems.append(
                    f"placeholders {sorted(found)} instead of {sorted(expected)}{form}: {name}"
                )
    for message, errors in catalog.check():  # Babel's own checkers (python-format, plurals)
        problems.extend(f"{error}: {_texts(message.id)[0]!r}" for error in errors)
    return sorted(set(problems))


def test_the_french_catalogue_is_complete():
    problems = catalogue_problems(_read_po(FR_PO))
    assert not problems, f"the French catalogue is not complete ({FIX}):\n" + "\n".join(problems)


def test_the_completeness_check_finds_each_kind_of_problem():
    """The check above can fail: a catalogue with one problem of each kind."""
    catalog = Catalog(locale="fr")
    catalog.add("Sign in", "Se connecter")
    catalog.add("Save", "")
    catalog.add("Cancel", "Annuler", flags=["fuzzy"])
    catalog.add("Signed in as %(name)s.", "Connecté en tant que %(nom)s.", flags=["python-format"])
    catalog.add("Deleted %s from %s.", "%s supprimée.")
    catalog.add("Hello {name}", "Bonjour {nom}")
    catalog.add(
        ("%(num)d account", "%(num)d accounts"),
        ("%(num)d compte", "%(num)d de comptes", "des comptes"),
    )
    catalog.add(("%(num)d token", "%(num)d tokens"), ("%(num)d jeton", "%(num)d jetons"))
    catalog.obsolete["Old message"] = catalog["Sign in"]
    problems = "\n".join(catalogue_problems(catalog))
    assert "missing translation: 'Save'" in problems
    assert "fuzzy: 'Cancel'" in problems
    assert "['%(nom)s'] instead of ['%(name)s']" in problems
    assert "['%s'] instead of ['%s']" not in problems  # a set: %s once or twice is %s
    assert "{nom}" in problems
    assert "(plural form 2): '%(num)d account'" in problems
    assert "2 plural forms instead of 3: '%(num)d token'" in problems
    assert "obsolete: 'Old message'" in problems
    assert "Sign in" not in problems


# --- b. the compiled catalogue and the template are up to date ---------------------------------


def test_the_shipped_mo_is_the_po_compiled_now():
    compiled = io.BytesIO()
    mofile.write_mo(compiled, _read_po(FR_PO), use_fuzzy=False)  # what `pybabel compile` does
    assert FR_MO.read_bytes() == compiled.getvalue(), (
        f"{FR_MO.relative_to(ROOT)} is stale: it is not {FR_PO.relative_to(ROOT)} compiled. {FIX}"
    )


def _message_ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog
        if message.id
    }


def _listed(ids: Iterable[Any]) -> str:
    return "\n".join(f"  {i!r}" for i in sorted(ids, key=str))


def test_the_template_and_the_french_catalogue_hold_the_messages_of_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *EXTRACT_ARGS, "-o", str(fresh), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with fresh.open("rb") as handle:
        now = _message_ids(pofile.read_po(handle))
    with POT.open("rb") as handle:
        shipped = _message_ids(pofile.read_po(handle))
    assert now == shipped, (
        f"{POT.relative_to(ROOT)} is out of date with the code. {FIX}.\n"
        f"Marked in the code but not in the .pot:\n{_listed(now - shipped)}\n"
        f"In the .pot but no longer in the code:\n{_listed(shipped - now)}"
    )
    french = _message_ids(_read_po(FR_PO))
    assert french == shipped, (
        f"{FR_PO.relative_to(ROOT)} does not follow the .pot. {FIX}.\n"
        f"Missing from the .po:\n{_listed(shipped - french)}\n"
        f"Only in the .po:\n{_listed(french - shipped)}"
    )


# --- c. no English on the French pages -----------------------------------------------------------

# Words of the English interface that a French page must not show (whole words, case as given).
# Left out on purpose: words French spells the same ("Actions", "Article", "Source", "Date",
# "Organisation", "Notifications", "Audit", "Version", "Description", "Message", "Type",
# "Code", "Note", "Public", "Active", "Verdict", "sessions", "or", "on", "as", "a", "an",
# "en", "pour", "je"), product and protocol names (ClaimReview, JSON-LD, API, CMS, URL,
# IFCN, Wikidata), and "fact"/"check", which a French newsroom may keep ("fact-check").
ENGLISH_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    the The and And of to with your Your you You is are was were be been this This that That
    these These there There here Here what What which when When who whose will would can
    cannot must should could has have had not Not only all All any each Each every Every more
    from by into it It its out up down about after before again yet now Now than then
    Sign sign Signed signed Save save Saved saved Search search Queue Claim Claims claim claims
    Review review Reviews Reviewer reviewer Reviewers reviewers Editor editors Admin admins
    Status Language Submit Cancel Delete Deleted Edit Edited Published published Approve
    approve Approved Reject Rejected Settings settings Password password Passwords Never never
    None Yes No Add Added Back Next Previous New new Newest Oldest Users User users Tokens
    Token token tokens Scale Scales scale scales Value Values Label Labels Created created
    Expires expires Revoke revoked Revoked Manage Change Reset Access Open Done Start
    Turn Key Move Order Default History Definition Used Deactivate Deactivated deactivated
    Reactivate Name Email Role Scope Scopes State Skip Main content Content account Account
    Request request Error error Nothing nothing Home Dashboard Inbox Outlet Outlets
    Summary Explanation Rating Ratings rating Correction Corrections Dismiss Dismissed
    Accept Accepted Take Taken Assign Assigned Unassigned Propose Proposed Awaiting awaiting
    Send Sent Draft Show Hide Filter Filters Sort Page Previous First Last Show Close
    Download Export Upload Link Links Share Copy Copied Loading Unknown unknown Today
    Yesterday ago hours days Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November
    December Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec
    """,
    )
)

# Pages of the URL map that are not the interface, so are not scanned (each with why).
NOT_THE_INTERFACE = {
    "static": "files: the style sheet and scripts",
    "api_docs.openapi_json": "JSON: the OpenAPI document, for programs",
    "api_docs.docs": "the Swagger UI of the API (its text is Swagger UI's, in English)",
    "api_docs.docs_script": "JavaScript that starts the Swagger UI",
    "api_docs.docs_asset": "Swagger UI's own files",
    "publishing.feed": "JSON: the ClaimReview feed, for aggregators",
    "dashboard.table_csv": "CSV: an export for spreadsheets, with English column names",
    "dashboard.queue_csv": "CSV: an export for spreadsheets, with English column names",
    "badges.badge_svg": "an image",
    "outlets.snapshot_warc": "a WARC archive (binary)",
    "claims.desk_script": "JavaScript",
    "health.healthz": "JSON for load balancers and monitors",
}
NOT_THE_INTERFACE_PREFIXES = {
    "api_v1.": "JSON: the REST API, for programs (its refusals' message is tested on its own)",
}


def _excluded(endpoint: str) -> bool:
    return endpoint in NOT_THE_INTERFACE or any(
        endpoint.startswith(prefix) for prefix in NOT_THE_INTERFACE_PREFIXES
    )


@dataclass
class Seeded:
    """What the French seed made: the ids to fill each URL with, and the user data shown."""

    ids: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)
    emails: dict[str, str] = field(default_factory=dict)


ARTICLE_BODY = (
    "Le ministère estime que 10 000 soldats ont été envoyés. "
    "Selon le rapport, 23 des 32 membres dépensent 2 % de leur richesse nationale. "
    "La députée affirme que le chômage a baissé de moitié en cinq ans. "
    "Le maire assure que la ville a planté trois mille arbres. "
    "Le syndicat déclare que les salaires ont augmenté de 4 % cette année. "
    "Le préfet soutient que la délinquance a reculé partout. "
    "Une élue prétend que la dette a doublé depuis dix ans."
)
SOURCE = {
    "url": "https://statistiques.exemple.fr/rapport-defense.pdf",
    "title": "Rapport sur les dépenses de défense",
    "publisher": "Institut national de la statistique",
    "date_published": date(2024, 6, 17),
    "excerpt": "Vingt-trois membres atteignent l’objectif de 2 %.",
    "stance": "supports",
}
PEOPLE = {
    "admin": ("amelie.dubois@exemple.fr", "Amélie Dubois", "ADMIN"),
    "editor": ("edouard.martin@exemple.fr", "Édouard Martin", "EDITOR"),
    "editor2": ("elise.bernard@exemple.fr", "Élise Bernard", "EDITOR"),
    "reviewer": ("remi.petit@exemple.fr", "Rémi Petit", "REVIEWER"),
    "reviewer2": ("noemie.roux@exemple.fr", "Noémie Roux", "REVIEWER"),
    "two_factor": ("camille.leroy@exemple.fr", "Camille Leroy", "REVIEWER"),
}


def _seed(app: Flask) -> Seeded:
    """A desk with one of everything, in French, made through the services."""
    from factcheck.articles.services import request_url_ingest
    from factcheck.auth import two_factor
    from factcheck.auth.tokens import create_token
    from factcheck.claims import workflow
    from factcheck.claims.services import add_manual_claim
    from factcheck.extensions import db
    from factcheck.models import RatingScale, Role
    from factcheck.outlets.services import add_outlet
    from factcheck.outlets.snapshots import request_snapshot
    from factcheck.ratings.services import ensure_default_scales
    from factcheck.webhooks.services import create_endpoint
    from tests.factories import make_article, make_user, walk_claim

    seeded = Seeded()
    with app.app_context():
        people = {}
        for key, (email, name, role) in PEOPLE.items():
            people[key] = make_user(email, Role[role], name)
            seeded.emails[key] = email
            seeded.data += [email, name]
        ensure_default_scales(db.session, actor=None)
        article = make_article(
            body=ARTICLE_BODY, title="Défense : ce que disent vraiment les chiffres"
        )
        seeded.data += [article.title]
        sentences = [s if s.endswith(".") else s + "." for s in ARTICLE_BODY.split(". ")]
        claims = {}
        for status, sentence in zip(
            ("new", "queued", "dismissed", "in_review", "awaiting_approval", "published"),
            sentences,
            strict=False,
        ):
            claim = add_manual_claim(db.session, article, sentence, actor=people["reviewer"])
            claims[status] = claim
            seeded.data.append(sentence)
        walk_claim(people, claims["queued"], "queued")
        workflow.dismiss(db.session, claims["dismissed"], "Pas vérifiable.", actor=people["editor"])
        verdict = {"summary": "Le chiffre est exact.", "explanation": "D’après le rapport."}
        walk_claim(people, claims["in_review"], "sourced", sources=[SOURCE], **verdict)
        walk_claim(people, claims["awaiting_approval"], "proposed", sources=[SOURCE], **verdict)
        walk_claim(people, claims["published"], "published", sources=[SOURCE], **verdict)
        seeded.data += [SOURCE["title"], SOURCE["publisher"], SOURCE["excerpt"], SOURCE["url"]]
        seeded.data += [*verdict.values(), "Pas vérifiable."]
        outlet = add_outlet(
            db.session,
            {"url": "https://journal.exemple.fr/", "kind": "site", "name": "Le Journal"},
            actor=people["admin"],
        )
        webhook = create_endpoint(
            db.session,
            {
                "url": "https://crochet.exemple.fr/recevoir",
                "description": "Notre système de publication",
                "events": ["claim.published"],
            },
            actor=people["admin"],
        )
        seeded.data += ["Le Journal", "Notre système de publication"]
        job = request_url_ingest(
            db.session, "https://journal.exemple.fr/article-1", actor=people["admin"]
        ).job
        snapshot = request_snapshot(db.session, claims["published"].sources[0])
        create_token(db.session, people["admin"], name="Jeton du site", scopes=["read"], actor=None)
        seeded.data.append("Jeton du site")
        people["two_factor"].totp_secret = two_factor.encrypt_secret(two_factor.new_secret())
        people["admin"].interface_language = "fr"  # the greeting after sign-in in French too
        db.session.commit()
        scales = list(db.session.scalars(db.select(RatingScale).order_by(RatingScale.id)))
        seeded.data += [s.name for s in scales]
        seeded.data += [t for s in scales for v in s.values for t in (v.label, v.definition) if t]
        seeded.ids = {
            "article_id": [{"article_id": article.id}],
            "claim_id": [{"claim_id": c.id} for c in claims.values()],
            "slug": [{"slug": claims["published"].slug}],
            "scale_id": [
                {"scale_id": s.id, "value_id": v.id} for s in scales for v in s.values[:1]
            ],
            "user_id": [{"user_id": people[k].id} for k in ("admin", "reviewer")],
            "outlet_id": [{"outlet_id": outlet.id}],
            "webhook_id": [{"webhook_id": webhook.id}],
            "job_id": [{"job_id": job.id}],
            "snapshot_id": [{"snapshot_id": snapshot.id}],
        }
    return seeded


def _urls(app: Flask, seeded: Seeded) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET page of the interface, its arguments from the seed.

    A list made before any page is asked for: a request made while this context is pushed would
    share its ``g`` (and so the signed-in user) with the next.
    """
    return list(_each_url(app, seeded))


def _each_url(app: Flask, seeded: Seeded) -> Iterator[tuple[str, str]]:
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in (rule.methods or ()) or _excluded(rule.endpoint):
                continue
            arguments = sorted(rule.arguments)
            if not arguments:
                yield rule.endpoint, app.url_for(rule.endpoint)
                continue
            choices = seeded.ids.get(arguments[0]) or seeded.ids.get(arguments[-1]) or []
            filled = [
                {k: v for k, v in c.items() if k in arguments}
                for c in choices
                if set(arguments) <= set(c)
            ]
            assert filled, f"{rule.rule}: the seed gives no value for {arguments}"
            for values in filled:
                yield rule.endpoint, app.url_for(rule.endpoint, **values)


_KEPT_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


def visible_words(html: str, seeded_data: Iterable[str]) -> tuple[str | None, set[str]]:
    """The page's ``<html lang>`` and the words of its French text a person reads or hears.

    Left out: scripts, styles, ``<code>``/``<pre>``/``<kbd>``/``<samp>``, every element whose
    ``lang`` is not French, attribute values but the four people read (aria-label, title, alt,
    placeholder), and the seeded user data.
    """
    root = lxml.html.document_fromstring(html)
    page_lang = root.get("lang")
    for element in root.xpath("//script|//style|//code|//pre|//kbd|//samp|//template"):
        element.drop_tree()
    for element in root.xpath("//body//*[@lang]|//head//*[@lang]"):
        if element.getparent() is not None and not element.get("lang", "").lower().startswith("fr"):
            element.drop_tree()
    said = [root.text_content()]
    for element in root.iter():
        said += [element.get(name) or "" for name in _KEPT_ATTRIBUTES]
    text = " ".join(said)
    for value in sorted(set(seeded_data), key=len, reverse=True):
        text = text.replace(value, " ")
    return page_lang, set(re.findall(r"\w+", text)) & ENGLISH_WORDS  # "1Password" is a name


@dataclass
class Scan:
    pages: int = 0
    offences: dict[str, list[str]] = field(default_factory=dict)

    def page(self, who: str, client: FlaskClient, url: str, seeded: Seeded) -> None:
        response = client.get(url, headers={"Accept-Language": "fr"})
        key = f"{who} GET {url}"
        if response.status_code in (301, 302, 303) and who == "admin":
            return  # a page for the signed-out (the sign-in page): scanned signed out
        if response.status_code != 200:
            self.offences[key] = [f"status {response.status_code}"]
            return
        if not response.mimetype.startswith("text/html"):
            self.offences[key] = [f"not a page ({response.mimetype}): exclude it, saying why"]
            return
        self.pages += 1
        lang, words = visible_words(response.get_data(as_text=True), seeded.data)
        found = sorted(words)
        if lang != "fr":
            found.insert(0, f"<html lang={lang!r}>")
        if found:
            self.offences[key] = found

    def report(self) -> str:
        """Every offending page and its words; the words every signed-in page shows (the
        layout's, most likely) said once first."""
        signed_in = [set(w) for k, w in self.offences.items() if k.startswith("admin ")]
        common = set.intersection(*signed_in) if len(signed_in) > 1 else set()
        lines = [f"on every signed-in page: {', '.join(sorted(common))}"] if common else []
        for page, words in self.offences.items():
            own = [w for w in words if w not in common] if page.startswith("admin ") else words
            lines.append(f"{page}: {', '.join(own) or '(only the words above)'}")
        return "\n".join(lines)


@pytest.fixture
def french_desk(backend: str) -> Iterator[tuple[Flask, Seeded]]:
    app = make_app(
        backend,
        ORG_NAME="Rédaction d’exemple",
        ORG_URL="https://verification.exemple.fr/",
        REQUIRE_ADMIN_2FA=False,
    )
    try:
        yield app, _seed(app)
    finally:
        dbutil.wipe(app)


def test_no_page_of_the_interface_shows_english_in_french(french_desk):
    """Every GET page of the URL map, signed in as an admin, and the public ones signed out.

    The failure lists every page with its English words (not only the first), so one run says
    everything left to translate.
    """
    app, seeded = french_desk
    admin = app.test_client()
    login(admin, seeded.emails["admin"])
    anonymous = app.test_client()
    scan = Scan()
    for endpoint, url in _urls(app, seeded):
        scan.page("admin", admin, url, seeded)
        if endpoint == "auth.login_2fa":
            continue  # signed out, it sends back to the sign-in page: scanned halfway below
        if getattr(app.view_functions[endpoint], "is_public", False):
            scan.page("signed out", anonymous, url, seeded)
    # The second step of a two-factor sign-in: a page only between the password and the code.
    halfway = app.test_client()
    response = halfway.post(
        "/login",
        data={
            "email": seeded.emails["two_factor"],
            "password": PASSWORD,
            "csrf_token": _csrf(halfway),
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/2fa")
    scan.page("halfway signed in", halfway, "/login/2fa", seeded)
    assert scan.pages > 40, f"only {scan.pages} pages scanned"
    if scan.offences:
        pytest.fail(
            f"{len(scan.offences)} of the {scan.pages} pages rendered in French show English "
            f"(translate them: {{{{ _() }}}} in templates, gettext/lazy_gettext in Python; then "
            f"`make translations`):\n{scan.report()}",
            pytrace=False,
        )


def _csrf(client: FlaskClient) -> str:
    html = client.get("/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_scan_finds_english_and_leaves_out_what_is_not_french_text():
    page = """<!doctype html><html lang="fr"><head><title>Réglages</title>
    <script>var Save = 1;</script><style>.Delete {}</style></head><body>
    <p>Enregistrer the changes</p><p lang="en">Sign in</p><code>Status</code>
    <button aria-label="Cancel">×</button><a href="/Edit" class="Review">Modifier</a>
    <p>Par Amélie Password</p></body></html>"""
    lang, words = visible_words(page, ["Amélie Password"])
    assert lang == "fr"
    assert words == {"the", "Cancel"}
    lang, words = visible_words('<html lang="en"><body><p>Bonjour</p></body></html>', [])
    assert lang == "en" and not words


# --- d. a missing translation is English, never a message id or a crash --------------------------


def test_a_message_the_catalogue_lacks_and_an_unknown_language_show_english(backend, tmp_path):
    from factcheck.extensions import babel

    partial = Catalog(locale="fr")
    partial.add("Interface language", "Langue de l’interface")  # and nothing else
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        mofile.write_mo(handle, partial)
    app = make_app(backend, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    # Flask-Babel keeps loaded catalogues per language for the process, whichever app loaded
    # them: forget them, so this app reads its own (and the next test the real one again).
    cache = babel.domain_instance.cache
    cache.clear()
    try:
        client = app.test_client()
        french = client.get("/login", headers={"Accept-Language": "fr"})
        body = french.get_data(as_text=True)
        assert french.status_code == 200 and '<html lang="fr"' in body
        assert "Langue de l’interface" in body  # this catalogue is the one in use
        assert "<h1>Sign in</h1>" in body  # it lacks this message: English
        unknown = client.get("/login", headers={"Accept-Language": "tlh, x-klingon;q=0.9"})
        assert unknown.status_code == 200 and "<h1>Sign in</h1>" in unknown.get_data(as_text=True)
        with app.test_request_context(headers={"Accept-Language": "fr"}):
            from flask_babel import gettext, ngettext

            assert gettext("Signed in as %(name)s.", name="Amélie") == "Signed in as Amélie."
            assert ngettext("%(num)d account", "%(num)d accounts", 3) == "3 accounts"
    finally:
        cache.clear()
        dbutil.wipe(app)

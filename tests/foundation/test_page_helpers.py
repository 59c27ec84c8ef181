"""Helpers that make long pages cheaper write exactly what the slow way writes (issue 19).

``navigation.url_for_each`` builds a row's link once per page instead of once per row;
``forms.Form`` keeps WTForms' own catalogue per language instead of reading it per request;
the templates' ``gettext`` skips ``%`` when there is nothing to fill.
"""

from __future__ import annotations

from flask import Flask, render_template_string, url_for
from flask_babel import force_locale
from wtforms import IntegerField

from factcheck.forms import Form
from factcheck.navigation import url_for_each


def test_url_for_each_writes_what_url_for_writes(app: Flask) -> None:
    backs = [None, "", "/queue?status=new&q=9876543210123", "/queue?q=été&sort=score", "1"]
    with app.test_request_context("/"):
        for back in backs:
            claim_url = url_for_each("claims.show", "claim_id", back=back)
            for claim_id in (1, 7, 50, 10**12, 2**63 - 1):
                assert claim_url(claim_id) == url_for("claims.show", claim_id=claim_id, back=back)
        article_url = url_for_each("articles.show", "article_id")
        assert article_url(42) == url_for("articles.show", article_id=42)


def test_wtforms_own_messages_follow_the_interface_language(app: Flask) -> None:
    class Numbers(Form):
        count = IntegerField("count")

    seen = {}
    for language in ("fr", "en", "fr"):
        request = app.test_request_context("/", method="POST", data={"count": "many"})
        with request, force_locale(language):
            form = Numbers(meta={"csrf": False})
            assert not form.validate()
            seen[language] = form.count.errors[0]
    assert seen == {"fr": "N'est pas un entier valide.", "en": "Not a valid integer value."}


def test_template_gettext_without_variables_keeps_percent_rules(app: Flask) -> None:
    with app.test_request_context("/"):
        page = render_template_string(
            "{{ _('Claim queue') }}|{{ _('100%% sure') }}|{{ _('<b>%(n)s</b>', n='<i>') }}"
        )
    # Nothing to fill and no "%": the text as is; "%%" still becomes "%"; variables escaped.
    assert page == "Claim queue|100% sure|<b>&lt;i&gt;</b>"


def test_template_gettext_where_a_block_set_a_variable(app: Flask) -> None:
    """``_()`` and ``ngettext()`` take the evaluation context (whether to autoescape), not the
    template's (which Jinja copies for every call where a block has set a variable): the same
    text, escaped alike, with autoescaping on and off."""
    template = (
        "{% set n = 2 %}{{ _('<b>%(n)s</b>', n='<i>') }}|{{ _('Claim queue') }}|"
        "{{ ngettext('(%(num)d character)', '(%(num)d characters)', n) }}"
        "{% for x in [1] %}{% set y = x %}|{{ _('%(y)s%%', y=y) }}{% endfor %}"
    )
    with app.test_request_context("/"):
        escaped = render_template_string(template)
        plain = render_template_string("{% autoescape false %}" + template + "{% endautoescape %}")
    assert escaped == "<b>&lt;i&gt;</b>|Claim queue|(2 characters)|1%"
    assert plain == "<b><i></b>|Claim queue|(2 characters)|1%"

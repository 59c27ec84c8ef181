"""Form markup written faster is the same markup (issue 19: the claim desk's speed).

``factcheck.forms`` draws the desk's fields with its own ``html_params``, widgets and
``render_field`` instead of WTForms' and the ``field`` macro. Each is held here to what WTForms
and the macro (kept below as it was) write for the same field, byte for byte: plain, with a
hint, with errors (plain, translated, bidi controls, HTML), and with values that need escaping.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_babel import lazy_gettext
from markupsafe import Markup
from wtforms import widgets as wtforms_widgets
from wtforms.widgets.core import html_params as wtforms_html_params

from factcheck import forms
from factcheck.claims import forms as claim_forms
from factcheck.review import forms as review_forms

# The ``field`` macro of ``_form.html`` before ``render_field`` replaced its body.
FIELD_MACRO = """{% macro field(f, hint=None) %}
  <div class="field{% if f.errors %} has-error{% endif %}">
    {{ f.label }}
    {% if f.errors %}
      {{ f(**{"aria-invalid": "true", "aria-describedby": f.id ~ "-error"}) }}
      <p class="field-error" id="{{ f.id }}-error">{{ f.errors|join(" ") }}</p>
    {% else %}
      {{ f(**({"aria-describedby": f.id ~ "-hint"} if hint else {})) }}
    {% endif %}
    {% if hint %}<p class="hint" id="{{ f.id }}-hint">{{ hint }}</p>{% endif %}
  </div>
{% endmacro %}{{ field(f, hint) }}"""

AWKWARD = 'a "quoted" <b>bold</b> & \u202eevil\u202c'
HINTS: list[Any] = [None, "", "One or two sentences.", Markup("<em>Shown</em> publicly."), AWKWARD]
ERRORS: list[list[Any]] = [
    ["give a title"],
    ["too long", "not a URL"],
    [AWKWARD],
    [lazy_gettext("say what the claim is"), "and <this>"],
]


def _desk_forms() -> list[Any]:
    assign = claim_forms.AssignForm(formdata=None, assignee=2)
    assign.assignee.choices = claim_forms.options([(1, "Ada"), (2, 'Rob "R" <rev>')])
    verdict = review_forms.VerdictForm(formdata=None, summary=AWKWARD, version=3)
    verdict.rating.choices = claim_forms.options([(1, "True")])
    return [
        claim_forms.ClaimForm(
            formdata=None, claim_reviewed=AWKWARD, claimant_name=AWKWARD, version=7, priority=2
        ),
        claim_forms.DismissForm(formdata=None, reason=AWKWARD, duplicate_of=12),
        assign,
        review_forms.SourceForm(formdata=None, url='https://e.org/?a=1&b="2"', title=AWKWARD),
        review_forms.SourceEditForm(formdata=None, prefix="source-4", excerpt=AWKWARD, version=1),
        verdict,
        review_forms.ProposeForm(formdata=None, version=2, digest='claim:"x"'),
        review_forms.RequestChangesForm(formdata=None),
        review_forms.CorrectionForm(formdata=None, note=AWKWARD),
        review_forms.NoteForm(formdata=None, body=AWKWARD),
    ]


def _fields() -> list[Any]:
    return [field for form in _desk_forms() for field in form if field.type != "RadioField"]


@pytest.mark.parametrize(
    "attributes",
    [
        {"id": "summary", "name": "summary", "rows": 3, "maxlength": 1000},
        {"required": True, "disabled": False, "class_": "wide", "for_": "x"},
        {"data_guide": 140, "aria_describedby": "a-hint", "aria-invalid": "true"},
        {"value": AWKWARD, "placeholder": Markup('say "why"'), "title": None},
        {"value": lazy_gettext("Save"), "step": "any", "min": 0},
        {},
    ],
)
def test_html_params_writes_what_wtforms_writes(app: Flask, attributes: dict[str, Any]) -> None:
    with app.test_request_context():
        assert forms.html_params(**attributes) == wtforms_html_params(**attributes)


def test_each_widget_writes_what_wtforms_writes(app: Flask) -> None:
    ours = (forms.TextInput, forms.DateInput, forms.NumberInput, forms.HiddenInput, forms.TextArea)
    seen = set()
    with app.test_request_context():
        for field in _fields():
            if not isinstance(field.widget, ours):
                continue
            theirs = type(field.widget).__bases__[0]()
            assert theirs.__module__ == wtforms_widgets.core.__name__
            theirs.__dict__.update(field.widget.__dict__)
            widget = field.widget
            for extra in ({}, {"aria-describedby": f"{field.id}-hint", "class_": "x"}):
                written = field(**extra)
                field.widget = theirs  # through the same path: the field's render_kw first
                assert written == field(**extra), field.name
                field.widget = widget
            seen.add(type(widget))
    assert seen == set(ours)  # every fast widget met at least one field


@pytest.mark.parametrize("hint", HINTS)
def test_render_field_writes_what_the_macro_wrote(app: Flask, hint: Any) -> None:
    macro = app.jinja_env.from_string(FIELD_MACRO)
    with app.test_request_context():
        fields = _fields()
        assert len(fields) > 40
        for field in fields:
            assert forms.render_field(field, hint) == macro.render(f=field, hint=hint), field.name
            for errors in ERRORS:
                field.errors = errors
                assert forms.render_field(field, hint) == macro.render(f=field, hint=hint)


def test_the_field_macro_is_render_field(app: Flask) -> None:
    """Every page that imports the macro gets the same markup as the desk that calls the
    function."""
    page = app.jinja_env.from_string(
        '{% from "_form.html" import field %}{{ field(f, "a hint") }}{{ field(f) }}'
    )
    with app.test_request_context():
        field = review_forms.NoteForm(formdata=None, body=AWKWARD).body
        field.errors = ["write something"]
        assert page.render(f=field) == forms.render_field(field, "a hint") + forms.render_field(
            field
        )

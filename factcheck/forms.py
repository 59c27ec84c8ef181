"""Form pieces every feature uses.

The fields here are WTForms' own, drawn by widgets that write the same markup faster: WTForms
formats each attribute through ``Markup.format`` (Python's string formatter), which made the
claim desk's forty fields a third of its rendering. :func:`html_params` writes the same
attributes with an f-string, and :func:`render_field` is the ``field`` macro of ``_form.html``
(label, input, error, hint) without a Jinja macro call per field. ``tests/foundation/
test_form_markup.py`` holds each of them to what WTForms and the macro write.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import wtforms
from babel.support import NullTranslations, Translations
from flask import Flask
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.fields import Field
from wtforms.i18n import messages_path
from wtforms.widgets.core import clean_key

from factcheck.security import isolate_bidi


@cache
def _wtforms_catalogue(language: str) -> NullTranslations:
    return Translations.load(messages_path(), [language], domain="wtforms")


class WTFormsMessages:
    """WTForms' own messages ("Not a valid integer value.") in the interface language. Its
    catalogue is read once per language and kept; Flask-WTF reads it again on every request."""

    def _catalogue(self) -> NullTranslations:
        return _wtforms_catalogue(str(get_locale() or "en"))

    def gettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


class Form(FlaskForm):
    """The base of every form of the desk: Flask-WTF's (CSRF), with WTForms' messages read
    from a kept catalogue."""

    class Meta:
        def get_translations(self, form: wtforms.Form) -> WTFormsMessages:
            return WTFORMS_MESSAGES


class ActionForm(Form):
    """A button (accept, take, pause, poll now…): the CSRF token and nothing else."""


@lru_cache(maxsize=512)
def _attribute_name(key: str) -> str:
    """An attribute's name as WTForms writes it (``class_`` → ``class``, ``data_x`` →
    ``data-x``, escaped): the same few names on every field, so each is worked out once."""
    return escape(clean_key(key))


def html_params(**kwargs: Any) -> Markup:
    """HTML attributes as :func:`wtforms.widgets.html_params` writes them (sorted by name,
    ``True`` bare, ``False`` left out, values escaped with ``"`` as ``&quot;``)."""
    parts: list[str] = []
    for key, value in sorted(kwargs.items()):
        name = _attribute_name(key)
        if value is True:
            parts.append(name)
        elif value is not False:
            text = escape(value)
            if '"' in text:  # only Markup keeps a bare quote through escape()
                text = text.replace('"', Markup("&quot;"))
            parts.append(f'{name}="{text}"')
    return Markup(" ".join(parts))  # noqa: S704 - names and values escaped above


def _flag_attributes(widget: Any, field: Field, kwargs: dict[str, Any]) -> None:
    """The validators' flags (``required``, ``maxlength``…) as attributes, as WTForms' widgets
    add them, read from the flags set on the field rather than from ``dir()`` of its flags
    (sorted names of the whole class, on each of the desk's forty fields)."""
    flags = getattr(getattr(field, "flags", None), "__dict__", {})
    for key, value in flags.items():
        if key in widget.validation_attrs and key not in kwargs:
            kwargs[key] = value() if callable(value) else value


def _input(widget: Any, field: Field, **kwargs: Any) -> Markup:
    """WTForms' ``Input.__call__`` (the same markup), its flags by :func:`_flag_attributes`."""
    kwargs.setdefault("id", field.id)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in kwargs:
        kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
    _flag_attributes(widget, field, kwargs)
    return Markup(f"<input {html_params(name=field.name, **kwargs)}>")  # noqa: S704 - escaped


class TextInput(widgets.TextInput):
    html_params = staticmethod(html_params)
    __call__ = _input


class DateInput(widgets.DateInput):
    html_params = staticmethod(html_params)
    __call__ = _input


class NumberInput(widgets.NumberInput):
    html_params = staticmethod(html_params)
    __call__ = _input


class HiddenInput(widgets.HiddenInput):
    html_params = staticmethod(html_params)
    __call__ = _input


class TextArea(widgets.TextArea):
    """WTForms' ``<textarea>`` (the same markup), its attributes by :func:`html_params`."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        _flag_attributes(self, field, kwargs)
        params = html_params(name=field.name, **kwargs)
        return Markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")  # noqa: S704 - escaped


class Select(widgets.Select):
    """WTForms' ``<select>``, with its plain options written directly.

    The same markup as :class:`wtforms.widgets.Select` (attributes in ``html_params``' sorted
    order: ``selected`` before ``value``), without building and sorting a dict of attributes for
    each option: a queue page renders a few hundred options. Options with extra attributes or a
    value ``html_params`` treats specially (``None``, booleans) go the general way.
    """

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        value = choice.value
        if kwargs or choice.render_kw or value is None or isinstance(value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        # escape(label or value), with a lazy label translated once, not twice (its truth, then
        # its text): a lazy translation is a few microseconds, and a page has dozens of options.
        label = (escape(choice.label) if choice.label is not None else "") or escape(value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704 - value and label escaped


class StringField(wtforms.StringField):
    widget = TextInput()


class TextAreaField(wtforms.TextAreaField):
    widget = TextArea()


class DateField(wtforms.DateField):
    widget = DateInput()


class IntegerField(wtforms.IntegerField):
    widget = NumberInput()


class SelectField(wtforms.SelectField):
    """WTForms' ``SelectField`` drawn by :class:`Select`."""

    widget = Select()


def _errors(errors: list[Any]) -> Markup:
    """``errors|join(" ")`` as the macro printed it (Jinja's join, then the page's finalize)."""
    if any(hasattr(error, "__html__") for error in errors):
        return Markup(" ").join(errors)
    return escape(isolate_bidi(" ".join(map(str, errors))))


def render_field(field: Field, hint: Any = None) -> Markup:
    """One field with its label, its error and its hint: what the ``field`` macro of
    ``_form.html`` writes, whitespace included (the macro calls this)."""
    label = f'<label for="{escape(field.label.field_id)}">{escape(field.label.text)}</label>'
    ident = escape(isolate_bidi(field.id))
    hint_html = escape(isolate_bidi(hint)) if hint else ""
    if field.errors:
        control = field(**{"aria-invalid": "true", "aria-describedby": f"{field.id}-error"})
        shown = (
            f'\n      {control}\n      <p class="field-error" id="{ident}-error">'
            f"{_errors(field.errors)}</p>\n    "
        )
    else:
        control = field(**({"aria-describedby": f"{field.id}-hint"} if hint else {}))
        shown = f"\n      {control}\n    "
    hint_p = f'<p class="hint" id="{ident}-hint">{hint_html}</p>' if hint else ""
    css = "field has-error" if field.errors else "field"
    return Markup(f'\n  <div class="{css}">\n    {label}\n    {shown}\n    {hint_p}\n  </div>\n')  # noqa: S704 - every part escaped or markup


def init_app(app: Flask) -> None:
    app.jinja_env.globals["render_field"] = render_field

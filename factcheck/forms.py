"""Form pieces every feature uses."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField as WTFormsSelectField
from wtforms import widgets


class ActionForm(FlaskForm):
    """A button (accept, take, pause, poll now…): the CSRF token and nothing else."""


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
        label = escape(choice.label or value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704 - value and label escaped


class SelectField(WTFormsSelectField):
    """WTForms' ``SelectField`` drawn by :class:`Select`."""

    widget = Select()

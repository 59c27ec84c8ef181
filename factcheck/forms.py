"""Form pieces every feature uses."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button (accept, take, pause, poll now…): the CSRF token and nothing else."""

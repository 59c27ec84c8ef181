"""Extension instances, created unbound and initialised by the app factory."""

from flask import current_app, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from factcheck.models.base import Base


class JSONBodyCSRFProtect(CSRFProtect):
    """CSRF protection that also takes the token from a JSON body's ``csrf_token`` field.

    Flask-WTF looks in form data and the ``X-CSRFToken`` header only; scripts that post the
    desk's forms as JSON send the token as one of the fields, like a browser form does.
    """

    def _get_csrf_token(self) -> str | None:
        token: str | None = super()._get_csrf_token()
        if token or not request.is_json:
            return token
        body = request.get_json(silent=True)  # already read and checked (factcheck.jsonbody)
        field = current_app.config["WTF_CSRF_FIELD_NAME"]
        value = body.get(field) if isinstance(body, dict) else None
        return value if isinstance(value, str) and value else None


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = JSONBodyCSRFProtect()
login_manager = LoginManager()
babel = Babel()

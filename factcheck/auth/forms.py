from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from factcheck.auth.passwords import MAX_PASSWORD_LENGTH
from factcheck.models import Role


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Only carries the CSRF token: logout is a POST."""


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Display name", validators=[Length(max=120)])
    role = SelectField("Role", choices=[(r.value, r.value.title()) for r in Role])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )

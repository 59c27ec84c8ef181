"""Blueprint of this stage."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

"""Blueprint of this stage."""

from flask import Blueprint

bp = Blueprint("review", __name__)

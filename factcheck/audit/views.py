"""Blueprint of this stage."""

from flask import Blueprint

bp = Blueprint("audit", __name__)

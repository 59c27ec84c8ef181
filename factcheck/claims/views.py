"""Blueprint of this stage."""

from flask import Blueprint

bp = Blueprint("claims", __name__)

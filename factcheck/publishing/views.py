"""Blueprint of this stage."""

from flask import Blueprint

bp = Blueprint("publishing", __name__)

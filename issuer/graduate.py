"""(being written)"""

from flask import Blueprint

bp = Blueprint("graduate", __name__)

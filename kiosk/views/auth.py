"""Staff log in and out. Citizens never log in."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db, login
from ..models import Role, User, utcnow

bp = Blueprint("auth", __name__)

login.login_view = "auth.login_page"
login.login_message = _l("Please log in to see this page.")
login.login_message_category = "info"


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me logged in on this computer"))


def _home_for(user: User) -> str:
    return url_for("admin.dashboard") if user.role == Role.ADMIN else url_for("clerk.counters")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login_page():
    """Show the staff login form and log a member of staff in."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).filter_by(username=form.username.data.strip()))
        if user is not None and user.active and user.check_password(form.password.data):
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
        error = _l("Wrong username or password.")
    status = 200 if request.method == "GET" or not (form.errors or error) else 422
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """Log out and go back to the login page."""
    logout_user()
    return redirect(url_for("auth.login_page"))

"""``python -m kiosk``: serve the embedded default (SQLite, one process) with live updates."""

from __future__ import annotations

import argparse
import gc
import logging

from . import create_app, housekeeping
from .cli import prepare_database
from .extensions import db, socketio


def main(argv: list[str] | None = None) -> None:
    """Prepare the database, print the addresses and logins, and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m kiosk", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    parser.add_argument("--quiet", action="store_true", help="log warnings only")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO)
    if args.quiet:  # Flask-SocketIO ignores log_output in threading mode: quiet the access log
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app({"DEMO_DATA": False} if args.no_demo else None)
    with app.app_context():
        loaded = prepare_database(demo=app.config["DEMO_DATA"])
        _compile_templates(app)
        print(_banner(app, args.host, args.port, loaded), flush=True)
    _freeze_what_lives_on()  # before the housekeeping thread starts making objects
    housekeeping.start(app)
    socketio.run(
        app,
        host=args.host,
        port=args.port,
        allow_unsafe_werkzeug=True,
        use_reloader=False,
        log_output=not args.quiet,
    )


def _freeze_what_lives_on() -> None:
    """Keep the cycle collector off what the started app holds for good (modules, the app,
    compiled templates and statements): ``gc.freeze()``, after one last collection of the
    start's garbage. A full collection stops every clerk's call and display update the process
    serves; over the ~200,000 objects of a started app it took 104 ms, after this under 1 ms
    (``bench/gc_pause.py``)."""
    gc.collect()
    gc.freeze()


def _compile_templates(app) -> None:
    """Compile every page and fragment now (about 0.6 s), so that the first citizen after a
    restart does not wait for Jinja to compile the screen they open."""
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)


def _banner(app, host: str, port: int, loaded: bool) -> str:
    from .demo import DEMO_PASSWORDS
    from .models import Office, User

    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    lines = ["", f"kiosk is running on {base}  (database: {app.config['SQLALCHEMY_DATABASE_URI']})"]
    if loaded:
        lines.append("The demo data was loaded (Kisela Voda and Haskovo).")
    for office in db.session.scalars(db.select(Office).order_by(Office.id)):
        lines.append(f"  {office.display_name()}")
        lines.append(f"    kiosk    {base}/kiosk/{office.slug}")
        lines.append(f"    display  {base}/display/{office.slug}")
    lines.append(f"  clerk      {base}/clerk/")
    lines.append(f"  admin      {base}/admin/")
    lines.append(f"  API        {base}/api/v1/offices")
    lines.append(
        "A display shows a one-time code until an administrator pairs it at "
        f"{base}/admin/devices\n(staff who are logged in in that browser see a preview at once)."
    )
    demo_logins = []
    for name, password in DEMO_PASSWORDS.items():
        user = db.session.scalar(db.select(User).filter_by(username=name))
        if user is not None and user.check_password(password):
            demo_logins.append(f"    {name:<8} / {password}   ({user.role})")
    if demo_logins:
        lines.append("Demo logins (change them before real use):")
        lines.extend(demo_logins)
    else:
        lines.append(
            "Log in with an account made by: flask --app kiosk create-user NAME --role admin"
        )
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""``skillpass init`` and ``skillpass serve``: prepare the database and run the product."""

from __future__ import annotations

import secrets

import click


def _prepared_app(demo: bool):
    from sqlalchemy import select

    from . import create_app
    from .auth import hash_password
    from .demo import seed_demo
    from .models import User

    app = create_app()
    extensions = app.extensions
    extensions["skillpass_db"].upgrade()
    if demo:
        session = extensions["skillpass_db"].session()
        try:
            seed_demo(session, extensions["skillpass_keyring"], extensions["skillpass_loader"],
                      extensions["skillpass_profile"], app.config["PUBLIC_URL"])
            password = secrets.token_urlsafe(12)
            for user in session.scalars(select(User).where(User.email.in_(["registrar@demo.example", "admin@demo.example"]))):
                user.password_hash, user.failed_logins, user.locked_until = hash_password(password), 0, None
            session.commit()
        finally:
            session.close()
        click.echo("Demo institution: Demo Polytechnic (Skills Passport demo)")
        click.echo(f"  registrar: registrar@demo.example  password: {password}")
        click.echo(f"  admin:     admin@demo.example      password: {password}")
    return app


@click.command("init")
@click.option("--demo/--no-demo", default=True, show_default=True, help="Create the demo institution.")
def init_command(demo: bool) -> None:
    """Create or upgrade the database (Alembic), and the demo institution."""
    _prepared_app(demo)
    click.echo("database ready")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=True, show_default=True, help="Create the demo institution and print its sign-in.")
@click.option("--threads", default=8, show_default=True, type=int)
def serve_command(host: str, port: int, demo: bool, threads: int) -> None:
    """Serve the console (/console) and the verifier (/) with the production WSGI server."""
    import logging

    import waitress

    from .devserver import dispatcher

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its start-up chatter would hide the demo sign-in

    from verifier.web import create_app as create_verifier_app

    app = _prepared_app(demo)
    click.echo(f"Skills Passport on http://{host}:{port}/console/ (console) and http://{host}:{port}/ (verifier)")
    # Bodies above the largest upload (a 20 MB cohort file) are refused before they are buffered.
    waitress.serve(dispatcher(app, create_verifier_app()), host=host, port=port, threads=threads, ident="skillpass",
                   max_request_body_size=21 * 1024 * 1024)

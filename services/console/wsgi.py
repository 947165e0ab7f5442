"""gunicorn entry point: `gunicorn services.console.wsgi:app`."""

from services.console.bootstrap import bootstrap, create_console_app

app = create_console_app(bootstrap())

"""gunicorn entry point: `gunicorn services.tracking.wsgi:app`."""

from services.tracking.bootstrap import bootstrap, create_tracking_app

app = create_tracking_app(bootstrap())

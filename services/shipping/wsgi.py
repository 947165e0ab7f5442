"""gunicorn entry point: `gunicorn services.shipping.wsgi:app` (clients are made per worker, lazily)."""

from services.shipping.bootstrap import create_app

app = create_app()

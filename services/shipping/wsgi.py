"""gunicorn entry point: `gunicorn services.shipping.wsgi:app` (clients are made per worker, lazily)."""

from services.shipping.bootstrap import bootstrap, create_shipping_app

app = create_shipping_app(bootstrap())

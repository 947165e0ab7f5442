"""gunicorn entry point: `gunicorn services.orders.wsgi:app`."""

from services.orders.bootstrap import bootstrap, create_orders_app

app = create_orders_app(bootstrap())

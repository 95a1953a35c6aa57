"""The ASGI application: Django's pages and API over HTTP, the draft sockets over WebSocket
(served by uvicorn: `manage.py up`, or gunicorn with uvicorn workers in production)."""

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drafting.settings")

# Django is set up before the socket code is imported (it imports models).
django_application = get_asgi_application()

from drafting.sockets.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})

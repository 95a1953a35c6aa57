"""The WebSocket side of the app: one socket per draft page (Django Channels)."""

"""The chat page: its static files (web/static/: page, widget, vendored socket.io),
served in development by `python -m web` (web/__main__.py, started by
tools/launcher.py) and in production by nginx (deploy/nginx.conf.template) from
the same folder. Python here may import bot/ (settings) only: no Rasa, no tools/,
and bot/ never imports it (tests/test_layout.py)."""

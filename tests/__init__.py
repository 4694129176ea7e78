"""The tests: unit tests of bot/, tools/, web/ and bench/, the Rasa side (actions,
channels, components) against Rasa's own classes, and end-to-end tests that start
the servers (tests/servers.py, with tools/launcher.py) or the production stack
(tests/production.py). Those that need a server or the trained model are marked
slow (tests/conftest.py). Tests may import anything of the project."""

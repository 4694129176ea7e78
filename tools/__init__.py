"""Tools around the assistant, run from ./run and the tests, never by Rasa: the
launcher of the servers (tools/launcher.py: ./run start, the tests and
deploy/stack.py), waiting for them to answer (tools/wait_ready.py), the command
line that loads and checks the knowledge store (tools/cli.py: ./run load) and the
analytics report over Rasa's SQL tracker store (tools/analytics.py: ./run report).
They may import bot/ (the domain) and nothing else of the project: no Rasa, no
actions/, channels/, components/ or web/ (servers run as subprocesses), and
bot/ never imports them (tests/test_layout.py)."""

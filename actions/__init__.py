"""Rasa custom actions. Importing the package (rasa run actions --actions
actions does) makes the action server concurrent (actions/concurrency.py) and
masks personal data in its logs (bot/privacy.py)."""

from actions.concurrency import run_actions_in_threads
from bot.privacy import mask_personal_data_in_logs
from bot.settings import get_settings

run_actions_in_threads(get_settings().action_server_threads)
mask_personal_data_in_logs()

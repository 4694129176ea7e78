"""Rasa input/output channel subclasses (these import Rasa; bot/ stays free of it).

Rasa imports this package at start-up for the channels in credentials.yml, so it
is also where the fixes to Rasa itself are applied (channels/rasa_fixes.py) and
where personal data is masked in the Rasa server's logs (bot/privacy.py)."""
from bot.privacy import mask_personal_data_in_logs
from channels import rasa_fixes

rasa_fixes.apply()
mask_personal_data_in_logs()

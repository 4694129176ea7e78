"""Rasa input/output channel subclasses (these import Rasa; bot/ stays free of it).

Rasa imports this package at start-up for the channels in credentials.yml, so it
is also where the fixes to Rasa itself are applied (channels/rasa_fixes.py) and
where personal data is masked in the Rasa server's logs (bot/privacy.py)."""

from bot.privacy import mask_personal_data_in_logs
from channels import rasa_fixes

# The one place the fixes to Rasa are applied: every `rasa run` imports this
# package (credentials.yml names its channels) before serving. Each fix applies
# only on the Rasa version it was written for (else a warning), and only once.
rasa_fixes.apply()
mask_personal_data_in_logs()

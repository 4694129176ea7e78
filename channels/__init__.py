"""Rasa input/output channel subclasses (these import Rasa; bot/ stays free of it).

Rasa imports this package at start-up for the channels in credentials.yml, so it
is also where the fixes to Rasa itself are applied (channels/rasa_fixes.py)."""
from channels import rasa_fixes

rasa_fixes.apply()

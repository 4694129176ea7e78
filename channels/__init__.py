"""Rasa input/output channel subclasses (these import Rasa; bot/ stays free of it)."""

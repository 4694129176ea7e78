"""CMMI vs ISO 9001 assistant: knowledge store, answers and recommendation logic (no Rasa here)."""

"""CMMI vs ISO 9001 assistant, the plain-Python part: knowledge store, answers, profile,
recommendation, NLU readers, settings, launcher. Never imports Rasa (tests/test_layout.py);
the Rasa side is components/, actions/ and channels/ (docs/ARCHITECTURE.md)."""

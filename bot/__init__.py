"""CMMI vs ISO 9001 assistant, the domain in plain Python: settings, knowledge store,
answers, profile, recommendation, NLU readers, contact details, leads, privacy. It
imports nothing else of the project and never Rasa (tests/test_layout.py): the Rasa
side is components/, actions/ and channels/, the tools around it tools/ and web/
(docs/ARCHITECTURE.md)."""

"""NLU helpers built from the knowledge store's aliases (plain Python + spaCy)."""

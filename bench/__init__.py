"""Measuring tools (may import Rasa and bot/): the benchmark `./run bench` (python -m bench,
see bench/README.md), the held-out evaluation `./run eval-nlu` (bench/eval_nlu.py) and the
classifier and spelling-corrector comparison (python -m bench.compare_classifiers)."""

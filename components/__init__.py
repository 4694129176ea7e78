"""The Rasa NLU side: graph components named in config.yml (components.nlu).

They wrap the plain-Python readers of bot/nlu/ (QuestionReader, AliasMatcher) for
Rasa's training and parsing. This package may import Rasa and bot/; bot/ never
imports it. The other Rasa-side packages are actions/ (custom actions, run by the
action server) and channels/ (input channels, the lock store, the guarded Rasa fixes)."""

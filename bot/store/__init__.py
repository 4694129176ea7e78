from bot.store.db import StoreUnavailable, get_engine, mask_url, session_scope
from bot.store.repository import KnowledgeStore, default_store

__all__ = ["KnowledgeStore", "default_store", "StoreUnavailable", "get_engine", "mask_url", "session_scope"]

"""A Redis lock store whose tickets are issued atomically.

Rasa's RedisLockStore keeps each conversation's ticket lock as one JSON value
and changes it with GET then SET. Two replicas that receive messages of the
same conversation at the same moment can both read the lock before either
writes it, get the same ticket, and process the conversation concurrently;
the SQL tracker store then keeps only one of the two turns (it appends the
events past the count already stored). The load test caught this: 2 of 1000
user events lost with the stock lock store. Here every read-modify-write of a
lock runs under a short Redis mutex (SET NX with expiry, released by token),
so tickets are unique and the conversation is processed one message at a time
across replicas.

endpoints.prod.yml: lock_store: type: deploy.lock_store.AtomicRedisLockStore
(same settings as type: redis)."""

from __future__ import annotations

from typing import Any, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_TIMEOUT_S = 10  # a mutex is held for a few Redis round trips; expiry only guards against a crash


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: Text):
        return self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}", timeout=MUTEX_TIMEOUT_S, blocking_timeout=MUTEX_TIMEOUT_S
        )

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # finish_serving + "is anyone waiting?" + delete, as one step: otherwise a
        # ticket issued in between could be deleted with the lock.
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)

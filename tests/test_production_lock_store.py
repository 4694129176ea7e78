"""The Redis lock store shared by the replicas issues each ticket once, even
when many processes ask for the same conversation at the same moment (Rasa's
stock RedisLockStore does not: see deploy/lock_store.py)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import redis

from deploy.lock_store import AtomicRedisLockStore


def test_concurrent_tickets_are_unique_and_served_in_order():
    prefix = f"t{uuid.uuid4().hex[:12]}"
    stores = [AtomicRedisLockStore(host="127.0.0.1", port=6379, db=1, key_prefix=prefix) for _ in range(16)]
    conversation = "someone"
    try:
        with ThreadPoolExecutor(16) as pool:
            tickets = list(pool.map(lambda s: s.issue_ticket(conversation), stores * 4))
        assert sorted(tickets) == list(range(64))
        lock = stores[0].get_lock(conversation)
        assert lock.now_serving == 0 and lock.is_locked(1)
        # Tickets finishing one by one leave the next one served, and the last deletes the lock.
        for ticket in range(64):
            assert not stores[ticket % 16].get_lock(conversation).is_locked(ticket)
            stores[(ticket + 1) % 16].cleanup(conversation, ticket)
        assert stores[0].get_lock(conversation) is None
    finally:
        client = redis.Redis(host="127.0.0.1", port=6379, db=1)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()

"""The production stack: python -m deploy.stack (./run prod) starts PostgreSQL-backed
Rasa replicas, their action server and nginx on one machine with tools/launcher.py,
after deploy/preflight.py has checked the shared stores; deploy/lock_store.py is the
Redis lock store Rasa loads (endpoints.prod.yml), the one module here that imports
Rasa. The Dockerfile, docker-compose.yml and k8s/ map the same pieces onto
containers. May import Rasa (lock_store.py only), bot/ and tools/."""

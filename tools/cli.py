"""Command line: load the knowledge store, check the database.

python -m tools.cli load [--check]   (re)load content/*.yml into the store
python -m tools.cli check-db         exit 1 with a clear message if the store is unreachable
"""

from __future__ import annotations

import argparse
import sys

from bot.settings import get_settings
from bot.store import StoreUnavailable, get_engine, mask_url
from bot.store.loader import ContentError, load_content, parse_content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cmmi-bot")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="load content/*.yml into the knowledge store")
    load.add_argument("--check", action="store_true", help="only parse and check the content files")
    sub.add_parser("check-db", help="check that DATABASE_URL is reachable")
    args = parser.parse_args(argv)
    settings = get_settings()

    try:
        if args.command == "load" and args.check:
            objects = parse_content(settings.content_dir)
            print(f"content OK: {len(objects)} rows in {settings.content_dir}")
            return 0
        engine = get_engine(settings.database_url)
        if args.command == "check-db":
            print(f"knowledge store reachable: {mask_url(settings.database_url)}")
            return 0
        counts = load_content(engine, settings.content_dir)
        summary = ", ".join(f"{table} {n}" for table, n in sorted(counts.items()))
        print(f"loaded content into {mask_url(settings.database_url)}: {summary}")
        return 0
    except StoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print(f"error in content: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

"""Wait until URLs answer 200, or exit 1 after a timeout: python -m tools.wait_ready URL..."""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request


def wait_ready(urls: list[str], timeout: float = 180.0) -> bool:
    deadline = time.monotonic() + timeout
    pending = list(urls)
    while pending and time.monotonic() < deadline:
        for url in list(pending):
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        pending.remove(url)
            except (urllib.error.URLError, OSError):
                pass
        if pending:
            time.sleep(0.5)
    return not pending


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    if wait_ready(args.urls, args.timeout):
        return 0
    print(f"error: not ready after {args.timeout:.0f} s: {' '.join(args.urls)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

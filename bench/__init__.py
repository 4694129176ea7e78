"""The benchmark: `./run bench` (python -m bench). See bench/README.md."""

"""What the tests and the benchmarks share: building, serving and browsing the site.

Imported as `tests.support.*` by both: pytest puts the repository root on the path
(`pythonpath` in pyproject.toml), and `python -m benchmarks.NAME` runs from the root. Nothing
here imports MkDocs or Playwright: the site is built and served by the real command lines.
"""

"""Link checker for the notes: extraction, async checking, cache and reports.

Plain Python on purpose (no MkDocs import): it runs in CI on its own and is tested alone.
"""

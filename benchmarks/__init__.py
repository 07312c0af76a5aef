"""Benchmarks of the site (not tests): each prints our figure and the reference's side by side,
measured in the same run, and their ratio. `dlnotes bench NAME` runs `python -m benchmarks.NAME`;
benchmarks/README.md lists them and the small API they share (`benchmarks.common`).
"""

"""The real site (docs/ as the author has it now): only invariants, which hold whatever notes the
author adds, edits or deletes (tests/test_reader_site.py has the reader's; these are the generic
checks of the exact-output modules, which run there on the frozen copy).

The test functions are imported: pytest runs them here with this module's `built_site`, the
conftest's strict build of the real site.
"""

from __future__ import annotations

from tests.test_companion_site import (  # noqa: F401 - collected by pytest from this module
    test_a_page_citing_twice_is_linked_at_its_first_citation,
)
from tests.test_site import test_no_page_loads_anything_from_another_host  # noqa: F401 - collected here

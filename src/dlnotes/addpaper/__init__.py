"""Adding a paper in one command: an identifier (arXiv id, DOI, OpenReview / ACL Anthology /
DBLP URL, or BibTeX) becomes one clean BibTeX entry appended to bib/references.bib.

The library is apart from the command line (`dlnotes add`, in dlnotes.cli):

* identifiers  what the user typed, as a typed identifier (or a clear refusal)
* sources/     one module per service: asks it and reads its own answer format
* http, ratelimit, cache   polite and robust fetching (timeouts, retries, spacing, answers kept)
* resolve      identifier -> Paper, with the published version of an arXiv paper
* entry        Paper -> BibTeX text (authors, protected title, venue, ids, links)
* dedupe       is this paper already in bib/? (DOI, arXiv id in any version, normalized title)
* store        append-only, atomic write of the bib file
* add          the whole run, used by the command

No MkDocs import anywhere here.
"""

"""Sample answers shipped with the package, for ``backup-client fetch --demo``.

``attempts_all_statuses.json`` is a list of backup attempts as a server
sends it, one for each status the spec lists; it is the same file as
``examples/attempts_all_statuses.json`` in the repository.
"""

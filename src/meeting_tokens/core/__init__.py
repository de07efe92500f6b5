"""The token core: JWS parts, Daily's claim table, self-signing, layered validation, errors, time.

Data flows one way through these modules: properties (``claims``), then claims, then a token
(``signing``), then its parts (``jwt_parts``), then the checks and their report (``validation``).
``checklist`` holds the production checklist's rules, which a token is held to beside the checks.
The package's top level re-exports the public names; import them from there.
"""

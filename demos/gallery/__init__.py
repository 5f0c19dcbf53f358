"""The demos: one module per id of :data:`demos.framework.registry.DEMO_IDS`, nothing else.

Each defines ``ID``, ``TITLE``, ``SUMMARY``, ``run(device, seed)``, ``figures(result, lang)`` and
``claims(result)`` (the contract is in ARCHITECTURE.md); ``python -m demos run ID`` runs one.
"""

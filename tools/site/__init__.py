"""The site generator: Markdown for docs/ja and docs/en from the catalogue, then two MkDocs builds.

``python -m tools.site generate|build|serve``; see :mod:`tools.site.cli`.
"""

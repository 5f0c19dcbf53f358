"""Attention Atlas tooling: the catalogue model and validation, the site generator, the link tracker."""

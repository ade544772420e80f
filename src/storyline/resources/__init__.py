"""Packaged data files: background IDF, fitted link model."""

"""Candidate generators (LSH and others) sharing one insert / query / remove interface."""

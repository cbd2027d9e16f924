"""Telling people: rendering alert digests and delivering them."""

"""Biometric templates, quality, matching and synthetic capture.

Templates are fixed-length vectors. The synthetic capture used by the demo and the
tests is labelled as such on every template it makes; real templates from a vendor
extractor go through the same interfaces unchanged.
"""

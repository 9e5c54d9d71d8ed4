"""Detectors: steps that read loudness or words and report what a calm conversation should notice."""

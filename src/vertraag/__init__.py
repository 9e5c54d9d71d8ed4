"""vertraag: an offline aid that helps a couple slow down a heated conversation in Dutch.

The flow, one module (or package) per step:
mic/wav (audio/) -> frames (audio/frames.py) -> loudness + speech activity (loudness.py, vad.py)
+ recogniser (recognize/) -> detectors (detect/) -> pipeline (pipeline.py) -> events (events.py) -> cli.
"""

__version__ = "0.1.0"

"""Audio in: sources (file, microphone) and the fixed-size frames the rest of the code reads."""

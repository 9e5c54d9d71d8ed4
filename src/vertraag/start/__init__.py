"""`vertraag start`: the couple's profile, the calibration, and the live session behind the display."""

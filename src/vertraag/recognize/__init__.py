"""Speech recognition: frames in, partial hypotheses and final utterances out (see `base.py`)."""

"""The benchmark behind `vertraag bench` (checkout only: it reads tests/data and scripts/): composed
conversations with known times -> decision and playback latency, CPU, memory, start-up and soak figures."""

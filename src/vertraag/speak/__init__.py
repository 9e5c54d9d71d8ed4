"""Speech out, the last step of the flow (prompts -> speaker): text and tones become sound on the speaker.

    sound.py        `Sound` (mono float32 + rate), WAV reading, silence
    tones.py        chimes and the breath guide (numpy synthesis)
    tts/            text -> Sound: Piper, the espeak-ng program, pyttsx3; the choice among them, the cache
    voice_folder.py recordings of a real voice (`--voice DIR`) that replace synthesis per prompt
    player.py       `Player`: the loudspeaker (device_player.py, device_output.py), or nothing, or a test fake
    speaker.py      `Speaker`: what the session calls; never lets a sound problem stop the session

Nothing here imports sounddevice, pyttsx3 or Piper until a speaker is opened or a voice started.
"""

from vertraag.speak.errors import PlaybackUnavailable, SpeechUnavailable
from vertraag.speak.player import NullPlayer, Player, RecordingPlayer, SoundDevicePlayer
from vertraag.speak.sound import Sound, read_wav, silence
from vertraag.speak.speaker import Speaker
from vertraag.speak.tones import OUTPUT_RATE, breath_guide, chime
from vertraag.speak.voice_folder import VoiceFolder

__all__ = [
    "OUTPUT_RATE",
    "NullPlayer",
    "PlaybackUnavailable",
    "Player",
    "RecordingPlayer",
    "Sound",
    "SoundDevicePlayer",
    "Speaker",
    "SpeechUnavailable",
    "VoiceFolder",
    "breath_guide",
    "chime",
    "read_wav",
    "silence",
]

"""speech-dispatcher output module: `ttscli speechd module` speaks speech-dispatcher's module
protocol on stdin/stdout with the models kept loaded; `ttscli speechd install` registers it.

    protocol.py  the command loop: INIT, AUDIO, SET, LIST VOICES, SPEAK/CHAR/KEY, STOP, QUIT
    speaker.py   one utterance in a thread: synthesis, audio out (server, player or file), marks
    channel.py   stdout: replies, events and 705 audio blocks through one writer thread
    outputs.py   where the audio goes: 705 blocks to the server, a player, a paced WAV file
    messages.py  speech-dispatcher's SSML cut at <mark/>, CHAR and KEY as text
    voices.py    the voice list, SET parameters mapped to ttscli options, warm models
    install.py   the module's files in the user's (or the system's) configuration
"""

"""ttscli: local text-to-speech from the command line."""

__version__ = "0.1.0"

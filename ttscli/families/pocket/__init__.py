"""Kyutai Pocket TTS (FlowLM + Mimi) on PyTorch through the pocket-tts package."""

from ...backends.registry import FamilySpec, RuntimeOption
from ...backends.encoders import EncoderSpec

FAMILY = FamilySpec(
    name="pocket-tts",
    runs_on=(RuntimeOption("torch", "ttscli.families.pocket.backend:load", extra="pocket",
                           probe=("torch", "pocket_tts")),),
    detect="ttscli.families.pocket.files:detect",
    files="model.safetensors with its tokenizer",
    roles=("model", "tokenizer"),
    detect_files={"model": "*model.safetensors", "tokenizer": "*tokenizer.*"},
    named_voices=True,
    profile="ttscli.families.pocket.backend:text_profile",
    facts="ttscli.families.pocket.files:import_facts",
    clone=EncoderSpec(family="pocket-tts", version="pocket-state-1", sample_rate=24000, max_seconds=30.0,
                      needs_transcript=False, encode="ttscli.families.pocket.encoder:encode",
                      requires=("torch", "pocket_tts"), extras=("pocket",)),
    description="Kyutai Pocket TTS (FlowLM + Mimi) on PyTorch via the pocket-tts package, 24 kHz, "
                "predefined and cloned voice states",
    code_license="MIT (ttscli implementation; kyutai-labs/pocket-tts package: MIT)",
)

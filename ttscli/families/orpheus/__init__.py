"""Orpheus TTS: Llama-3.2 GGUF speech LM on llama.cpp + SNAC 24 kHz ONNX decoder."""

from ...backends.registry import FamilySpec, RuntimeOption

FAMILY = FamilySpec(
    name="orpheus",
    options="ttscli.families._shared.speechlm:SpeechLMOptions",
    runs_on=(RuntimeOption("llama.cpp", "ttscli.families.orpheus.backend:load", extra="gguf"),),
    detect="ttscli.families.orpheus.backend:detect",
    files="an Orpheus .gguf with a SNAC decoder .onnx",
    roles=("backbone", "codec_decoder"),
    detect_files={"backbone": "*rpheus*.gguf", "codec_decoder": "*decoder_model*.onnx"},
    profile="ttscli.families.orpheus.backend:text_profile",
    description="Orpheus TTS (Canopy Labs): Llama-3.2 GGUF speech LM + SNAC 24 kHz ONNX decoder",
    code_license="MIT (ttscli implementation; upstream Orpheus-TTS code: Apache-2.0)",
)

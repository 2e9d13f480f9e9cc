"""NeuTTS Air/Nano: GGUF speech LM on llama.cpp + NeuCodec ONNX decoder, reference voices."""

from ...backends.registry import FamilySpec, RuntimeOption
from ...backends.encoders import EncoderSpec

FAMILY = FamilySpec(
    name="neutts",
    options="ttscli.families._shared.speechlm:SpeechLMOptions",
    runs_on=(RuntimeOption("llama.cpp", "ttscli.families.neutts.backend:load", extra="gguf"),),
    detect="ttscli.families.neutts.backend:detect",
    files="neutts-*.gguf with a NeuCodec decoder .onnx",
    roles=("backbone", "codec_decoder"),
    detect_files={"backbone": "neutts-*.gguf", "codec_decoder": "*.onnx"},
    profile="ttscli.families.neutts.backend:text_profile",
    clone=EncoderSpec(family="neutts", version="neucodec-1", sample_rate=16000, max_seconds=15.0,
                      needs_transcript=True, encode="ttscli.families.neutts.encoder:encode",
                      requires=("torch", "neucodec"), extras=("torch",), packages=("neucodec",)),
    description="NeuTTS Air/Nano (Neuphonic): GGUF speech LM + NeuCodec ONNX decoder, reference voices",
    code_license="MIT (ttscli implementation; upstream neutts code: NeuTTS Open License 1.0)",
)

"""Spark-TTS (SparkAudio): Qwen2.5-0.5B GGUF on llama.cpp writes BiCodec tokens, BiCodec on PyTorch decodes."""

from ...backends.registry import FamilySpec, RuntimeOption
from ...backends.encoders import EncoderSpec

FAMILY = FamilySpec(
    name="spark",
    options="ttscli.families._shared.speechlm:SpeechLMOptions",
    runs_on=(RuntimeOption("llama.cpp", "ttscli.families.spark.backend:load", extra="spark",
                           probe=("llama_cpp", "torch", "yaml")),),
    detect="ttscli.families.spark.files:detect",
    files="a BiCodec/ folder (config.yaml, model.safetensors) with the language model as a .gguf (LLM/*.gguf)",
    roles=("backbone", "bicodec_config", "bicodec_weights"),
    detect_files={"backbone": "*.gguf", "bicodec_config": "BiCodec/config.yaml",
                  "bicodec_weights": "BiCodec/model.safetensors"},
    profile="ttscli.families.spark.backend:text_profile",
    doctor="ttscli.families.spark.files:doctor",
    facts="ttscli.families.spark.files:facts",
    voices="ttscli.families.spark.voices:VOICES",
    # the global tokens of the reference's first 6 s (BiCodec's speaker encoder, weights in the model)
    clone=EncoderSpec(family="spark", version="bicodec-global-1", sample_rate=16000, max_seconds=6.0,
                      needs_transcript=False, encode="ttscli.families.spark.encoder:encode",
                      requires=("torch", "yaml"), extras=("spark",)),
    description="Spark-TTS (SparkAudio): Qwen2.5-0.5B GGUF speech LM + BiCodec 16 kHz decoder, voice design by "
                "gender/pitch/speed",
    code_license="MIT (ttscli implementation; upstream Spark-TTS code: Apache-2.0)",
)

"""Piper VITS voices (NAME.onnx + NAME.onnx.json): onnxruntime or sherpa-onnx."""

from ...backends.registry import FamilySpec, RuntimeOption

# --runtime auto: onnxruntime first. benchmarks/runtimes_piper.py (joe voice, 264 words, 2-core
# CI machine): synthesis needs 4-8% less CPU per second of audio on onnxruntime, so it is the
# faster runtime for anything longer than a paragraph; sherpa-onnx loads ~1.1 s sooner, which
# evens out the whole 264-word job. Only onnxruntime gives byte-identical audio per --seed.
FAMILY = FamilySpec(
    name="piper",
    options="ttscli.families.piper.options:PiperOptions",
    runs_on=(
        RuntimeOption("onnxruntime", "ttscli.families.piper.backend:load"),
        RuntimeOption("sherpa-onnx", "ttscli.families.piper.on_sherpa:load", extra="sherpa"),
    ),
    detect="ttscli.families.piper.backend:detect",
    files="NAME.onnx with NAME.onnx.json",
    roles=("model", "config"),
    detect_files={"model": "*.onnx", "config": "*.onnx.json"},
    companions={"model": ".json"},  # the .onnx that has its .onnx.json
    profile="ttscli.families.piper.backend:text_profile",
    models="ttscli.families.piper.embedded:models",
    default_model="piper:en_US-joe-medium",  # shipped in a PyPI package (see embedded.py)
    catalog="ttscli.families.piper.index:entries",
    facts="ttscli.families.piper.facts:facts",
    tag_is_voice=True,
    index="ttscli.families.piper.index:INDEX",
    description="Piper VITS voices (.onnx + .onnx.json), espeak-ng phonemes",
    code_license="MIT (ttscli implementation; Piper voices are run directly with onnxruntime)",
    timings="model",  # onnxruntime: the graph's own durations (sherpa-onnx: aligned)
)

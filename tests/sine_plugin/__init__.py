"""An example third-party model family: a sine tone per word, declared in one FamilySpec.

Registered through the ``ttscli.backends`` entry point (tests/test_family_plugin.py writes the
dist-info). It declares what a real family declares: its runtime and the import it needs
(``sine_plugin_dep``, with the command that installs it), how to find its files and their roles, a model
shipped with the package, how to clone a voice (the reference's pitch) and a doctor check.
"""

from ttscli.backends.registry import FamilySpec, RuntimeOption
from ttscli.backends.encoders import EncoderSpec

FAMILY = FamilySpec(
    name="sine",
    runs_on=(RuntimeOption("onnxruntime", "sine_plugin.backend:load", probe=("sine_plugin_dep",),
                           install_hint="pip install sine-plugin-dep"),),
    detect="sine_plugin.backend:detect",
    roles=("model",),  # what `pull` keeps of a repository or directory of this family
    detect_files={"model": "*.model"},
    models="sine_plugin.backend:models",
    clone=EncoderSpec(family="sine", version="pitch-1", sample_rate=16000, max_seconds=10.0,
                      needs_transcript=False, encode="sine_plugin.backend:encode", requires=("numpy",),
                      runtime="onnxruntime"),
    doctor="sine_plugin.backend:doctor",
    description="Test family: one sine tone per word",
    code_license="MIT",
)

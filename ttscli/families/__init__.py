"""Model families, one package each (``ttscli/families/<name>/``).

:data:`BUILTIN` is the one list of built-in families: each line names the
:class:`~ttscli.backends.registry.FamilySpec` a family package declares in its
``__init__`` (import paths only, nothing heavy is imported to read it).
``_shared`` holds code several families use that names none of them.
Third-party families register the same spec through the ``ttscli.backends``
entry point (see docs/layout.md).
"""

# Order matters twice: files are recognised by the first family whose `detect` accepts them
# (Piper before sherpa: a Piper voice beside a tokens.txt is still Piper; sherpa before Kokoro:
# a sherpa Kokoro package also has model.onnx and voices), and `clone` without --model uses
# the first cloneable family with an installed model.
BUILTIN: tuple[str, ...] = (
    "ttscli.families.piper:FAMILY",
    "ttscli.families.neutts:FAMILY",
    "ttscli.families.pocket:FAMILY",
    "ttscli.families.sherpa:FAMILY",
    "ttscli.families.orpheus:FAMILY",
    "ttscli.families.styletts:KOKORO",
    "ttscli.families.styletts:KITTEN",
    "ttscli.families.spark:FAMILY",  # after Kokoro: `clone` and hints prefer a model that needs no conversion
)

"""--device/--threads through the real CLI, `ttscli doctor`, and plans reaching real runtimes."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap

import pytest

from support import hwsim
from support.cli import assert_clean_error, run_cli
from ttscli.runtime import hardware
from ttscli.runtime.hardware import probe

DOCTOR_KEYS = ("arch", "cpu_cores", "ram_available_bytes", "gpus", "unified_memory", "is_dgx_spark", "runtimes", "plans")


@hwsim.needs_no_gpu
def test_device_cuda_here_is_exit_5_in_one_line(tmp_path):
    out = tmp_path / "x.wav"
    proc = run_cli("--device", "cuda", "say", "hello", "-o", str(out))
    assert_clean_error(proc, 5, "--device cuda", "no NVIDIA GPU")
    assert not out.exists()


@hwsim.needs_no_gpu
def test_device_from_environment_and_bad_values(tmp_path):
    proc = run_cli("say", "hello", "-o", str(tmp_path / "x.wav"), env={"TTSCLI_DEVICE": "cuda:1"})
    assert_clean_error(proc, 5, "--device cuda:1")
    assert_clean_error(run_cli("--device", "mps", "say", "hi", "-o", str(tmp_path / "y.wav")), 5, "Apple Silicon")
    assert_clean_error(run_cli("--device", "gpu", "say", "hi", "-o", str(tmp_path / "y.wav")), 2, "unknown device")
    assert_clean_error(run_cli("--threads", "0", "say", "hi", "-o", str(tmp_path / "y.wav")), 2, "--threads")


def test_cpu_device_and_threads_synthesize(tmp_path):
    import soundfile as sf

    out = tmp_path / "cpu.wav"
    proc = run_cli("--device", "cpu", "--threads", "1", "--debug", "say", "Testing the CPU plan.", "-o", str(out))
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "cpu, 1 threads (requested)" in err  # the plan the engine used
    audio, rate = sf.read(out)
    assert rate == 22050 and len(audio) / rate > 0.5 and abs(audio).max() > 0.05


@hwsim.needs_no_gpu
def test_doctor_json_has_the_keys():
    proc = run_cli("doctor", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    report = json.loads(proc.stdout)
    for key in DOCTOR_KEYS:
        assert key in report, key
    assert report["gpus"] == [] and report["is_dgx_spark"] is False and report["unified_memory"] is False
    assert report["cpu_cores"] >= 1 and report["ram_available_bytes"] > 0
    assert set(report["runtimes"]) >= {"onnxruntime", "llama.cpp", "torch", "sherpa-onnx"}
    assert "CPUExecutionProvider" in report["runtimes"]["onnxruntime"]["providers"]
    joe = next(p for p in report["plans"] if p["model"] == "piper:en_US-joe-medium")
    assert joe["runtime"] == "onnxruntime" and joe["plan"]["device"] == "cpu" and joe["error"] is None
    assert report["fixes"] == []


@hwsim.needs_no_gpu
def test_doctor_text_and_threads_option():
    proc = run_cli("--threads", "1", "doctor")
    text = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    for needle in ("Machine", "GPUs", "Runtimes", "Installed models", "piper:en_US-joe-medium", "cpu, 1 threads",
                   "no GPU here"):
        assert needle in text, needle


@hwsim.needs_no_gpu
def test_doctor_with_unusable_device_reports_then_exits_5():
    proc = run_cli("--device", "cuda", "doctor", "--json")
    report = json.loads(proc.stdout)
    assert report["device_requested"] == "cuda"
    assert report["plans"][0]["error"].startswith("--device cuda: no NVIDIA GPU")
    assert_clean_error(proc, 5, "no NVIDIA GPU")


def test_doctor_survives_missing_runtimes():
    """Hide llama_cpp, torch and sherpa_onnx from the import system: doctor still reports."""
    code = textwrap.dedent("""
        import sys
        class Hide:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('llama_cpp', 'torch', 'sherpa_onnx'):
                    raise ModuleNotFoundError(name)
                return None
        sys.meta_path.insert(0, Hide())
        from ttscli.cli.app import main
        raise SystemExit(main(['doctor', '--json']))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    for name in ("llama.cpp", "torch", "sherpa-onnx"):
        assert report["runtimes"][name]["installed"] is False and report["runtimes"][name]["plan"] is None
    assert report["runtimes"]["onnxruntime"]["installed"] is True


def test_doctor_report_on_simulated_spark(monkeypatch):
    from ttscli.cli.doctor import render
    from ttscli import doctor as report_mod

    monkeypatch.delenv("TTSCLI_DEVICE", raising=False)
    report = report_mod.build(src=hwsim.dgx_spark_stock_pypi())
    assert report["is_dgx_spark"] and report["platform"] == "dgx-spark" and report["unified_memory"]
    assert report["gpus"][0]["memory"] == "shared with system RAM"
    assert len(report["fixes"]) == 4  # ORT, llama.cpp, torch, sherpa-onnx: one line each
    text = render(report)
    assert "cuda:0       NVIDIA GB10, compute capability 12.1, memory shared with system RAM" in text
    assert "CMAKE_CUDA_ARCHITECTURES=121" in text and "onnxruntime-cuda-13" in text
    good = report_mod.build(src=hwsim.dgx_spark())
    assert good["fixes"] == []
    joe = next(p for p in good["plans"] if p["model"] == "piper:en_US-joe-medium")
    assert joe["plan"]["device"] == "cuda:0" and joe["size_bytes"] > 10**6
    assert good["runtimes"]["llama.cpp"]["plan"]["env"] == {"GGML_CUDA_ENABLE_UNIFIED_MEMORY": "1"}


@pytest.fixture
def simulated_machine(monkeypatch):
    """Make the engine plan for a simulated machine while the real runtimes run the model."""
    def use(src):
        monkeypatch.setattr(hardware, "_THIS_MACHINE", probe(src, runtimes=("onnxruntime",)))
    yield use


def test_engine_logs_exactly_one_warning_for_a_fallback(simulated_machine, caplog, monkeypatch):
    from ttscli import engine

    monkeypatch.delenv("TTSCLI_DEVICE", raising=False)
    simulated_machine(hwsim.dgx_spark_stock_pypi())
    with caplog.at_level(logging.WARNING, logger="ttscli"):
        loaded = engine.load(None, None)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "onnxruntime-cuda-13" in warnings[0], warnings
    assert loaded.backend.onnx.session.get_providers() == ["CPUExecutionProvider"]


def test_dropped_gpu_provider_is_caught_by_the_real_onnxruntime(simulated_machine, caplog, monkeypatch):
    """The simulated Spark claims CUDAExecutionProvider; the real (CPU) onnxruntime drops it."""
    from ttscli import engine
    from ttscli.errors import RuntimeFailure

    simulated_machine(hwsim.dgx_spark())
    monkeypatch.delenv("TTSCLI_DEVICE", raising=False)
    with caplog.at_level(logging.WARNING, logger="ttscli"):
        loaded = engine.load(None, None)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "could not start CUDAExecutionProvider" in warnings[0], warnings
    assert loaded.backend.onnx.session.get_providers() == ["CPUExecutionProvider"]
    monkeypatch.setenv("TTSCLI_DEVICE", "cuda")
    with pytest.raises(RuntimeFailure) as info:
        engine.load(None, None)
    assert info.value.one_line().startswith("--device cuda: onnxruntime could not start CUDAExecutionProvider")

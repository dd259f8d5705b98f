"""A malformed librechat.yaml stops start-up naming the bad key; a good one starts."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(tmp_path, yaml_text: str, **extra_env: str):
    config = tmp_path / "librechat.yaml"
    config.write_text(yaml_text)
    env = {"PATH": "/usr/bin:/bin", "LIBRECHAT_CONFIG": str(config), "DATA_DIR": str(tmp_path), **extra_env}
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_malformed_yaml_stops_startup_with_the_key_path(tmp_path):
    result = run_check(
        tmp_path,
        "version: 1.3.14\nendpoints:\n  custom:\n    - name: groq\n      apiKey: k\n      baseURL: http://x\n"
        "      models:\n        default: llama3\n",
    )
    assert result.returncode != 0
    assert "endpoints.custom[0].models.default" in result.stderr


def test_yaml_syntax_error_names_the_line(tmp_path):
    result = run_check(tmp_path, "version: 1.3.14\nendpoints: [unclosed\n")
    assert result.returncode != 0
    assert "line" in result.stderr


def test_unset_key_starts_and_reports_the_endpoint(tmp_path):
    result = run_check(
        tmp_path,
        "version: 1.3.14\nendpoints:\n  custom:\n    - name: groq\n      apiKey: '${GROQ_KEY_FOR_TEST}'\n"
        "      baseURL: http://x\n      models:\n        default: [llama3]\nspeech:\n  tts: {}\n",
    )
    assert result.returncode == 0, result.stderr
    assert "groq" in result.stderr and "unavailable" in result.stderr
    assert "speech" in result.stderr and "not supported yet" in result.stderr

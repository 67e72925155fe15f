from pathlib import Path

import pytest

from spinscope import ModelConfig, ModelError, Settings, SpinscopeError


def test_config_round_trips_through_json(tmp_path: Path) -> None:
    config = ModelConfig("m1", calibration=(1.5, -0.2), validation={"si_f1": 0.4})
    config.save(tmp_path)
    assert ModelConfig.load(tmp_path) == config


def test_config_of_another_format_is_refused() -> None:
    text = ModelConfig("m1").to_json().replace('"format_version": 1', '"format_version": 99')
    with pytest.raises(ModelError, match="format 99"):
        ModelConfig.from_json(text)
    with pytest.raises(ModelError, match="not a spinscope model config"):
        ModelConfig.from_json("[1, 2]")


def test_settings_come_from_the_environment_only_when_set() -> None:
    assert Settings.from_env({}) == Settings()
    s = Settings.from_env({"SPINSCOPE_THREADS": "1", "SPINSCOPE_MODEL": "/m"})
    assert s.threads == 1 and str(s.model) == "/m"
    with pytest.raises(SpinscopeError, match="SPINSCOPE_THREADS"):
        Settings.from_env({"SPINSCOPE_THREADS": "many"})
    assert all(help for _, _, help in Settings.describe())

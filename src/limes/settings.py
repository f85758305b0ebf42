"""Settings of limes, read from the environment with the prefix LIMES_.

Legal parameters are never settings: they live with their article in the domain code.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """How the HTTP server listens."""

    host: str = "127.0.0.1"
    port: int = 8000


class Settings(BaseSettings):
    """The root of limes' configuration (`LIMES_WEB__PORT=9000`, ...)."""

    model_config = SettingsConfigDict(env_prefix="LIMES_", env_nested_delimiter="__")

    env: str = "dev"
    web: WebSettings = WebSettings()

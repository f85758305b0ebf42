"""Settings of limes, read from the environment with the prefix LIMES_.

Legal parameters are never settings: they live with their article in the domain code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from limes.core.limits import DEFAULT_MAX_BODY_BYTES


class WebSettings(BaseSettings):
    """How the HTTP server listens, and the largest request body it reads."""

    host: str = "127.0.0.1"
    port: int = 8000
    # LIMES_WEB__MAX_BODY_BYTES: a larger body is refused (413) before it is read.
    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, ge=1_024)


class EesSettings(BaseSettings):
    """How the EES runs its scheduled work and its fall-back."""

    job_interval_seconds: float = 60.0  # overstay detection and retention; 0 turns them off
    fallback_path: str = "var/ees-fallback.sqlite"  # the local queue of Art 21


class InteropSettings(BaseSettings):
    """How the interoperability components run."""

    # How long the worker's multiple-identity detector waits, once it has drained the
    # CIR's change log, before it reads it again; 0 turns it off (detection then runs
    # only when `limes mid run` asks).
    mid_interval_seconds: float = 0.5
    # The sBMS back-end: "numpy" (exact search) or "faiss" (an IVF index, for millions).
    sbms_matcher: Literal["numpy", "faiss"] = "numpy"


class WorkerSettings(BaseSettings):
    """How the worker process runs detection and the scheduled jobs (`limes worker`)."""

    # A batch of detection ends after this many seconds (after one file at least), so
    # that on SQLite it holds the writer lock briefly and desks commit in between.
    mid_batch_seconds: float = 0.02
    # The worker runs at a lower priority than the web server (os.nice): desks first.
    nice: int = 10
    # `limes serve` restarts a worker that died after this many seconds, doubling
    # the wait while it keeps dying, up to a minute.
    restart_seconds: float = 1.0


DEV_SECRET = "limes-dev-secret-change-me"  # noqa: S105 - refused outside env=dev


class Settings(BaseSettings):
    """The root of limes' configuration (`LIMES_WEB__PORT=9000`, ...)."""

    model_config = SettingsConfigDict(env_prefix="LIMES_", env_nested_delimiter="__")

    env: str = "dev"
    database_url: str | None = None  # LIMES_DATABASE_URL; None: the SQLite file ./var/limes.sqlite
    secret_key: str = DEV_SECRET
    web: WebSettings = WebSettings()
    ees: EesSettings = EesSettings()
    interop: InteropSettings = InteropSettings()
    worker: WorkerSettings = WorkerSettings()

    @model_validator(mode="after")
    def _refuse_the_dev_secret_outside_dev(self) -> Settings:
        if self.env != "dev" and self.secret_key == DEV_SECRET:
            raise ValueError(
                "LIMES_SECRET_KEY still has the development value; set a secret of your own "
                "before running with LIMES_ENV other than dev."
            )
        return self

"""A throwaway PostgreSQL server for the tests, from Debian's binaries.

`PostgresServer.start()` runs initdb into a fresh temporary directory and starts the
server on a free loopback port with trust authentication for the role `limes`;
`stop()` shuts it down and removes the directory. As root, the server runs as the
`postgres` OS user (PostgreSQL refuses to run as root). Each pytest-xdist worker
starts its own server, so workers share nothing and need no locks.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

BIN_GLOB = "/usr/lib/postgresql/*/bin"
ROLE = "limes"
INSTALL_HINT = "`make postgres` installs it (Debian's postgresql package)"
_START_ATTEMPTS = 3


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries, or a server that would not start."""


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    found = [
        path
        for path in Path("/").glob(BIN_GLOB.lstrip("/"))
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file()
    ]
    return max(found, key=version, default=None)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A running throwaway server; databases on it are named in `url(...)`."""

    bin_dir: Path
    root: Path
    port: int
    run_as: list[str]

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{database}"

    def _conninfo(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={ROLE} dbname={database}"

    @classmethod
    def start(cls, bin_dir: Path, *, name: str = "limes") -> PostgresServer:
        """initdb and start a server; raises PostgresUnavailable with the log if it fails."""
        run_as = _run_as()
        root = Path(tempfile.mkdtemp(prefix=f"{name}-pg-"))
        server = cls(bin_dir, root, 0, run_as)
        try:
            server.socket_dir.mkdir()
            _hand_over(root, run_as)
            server._pg(
                "initdb",
                "-D",
                str(server.data_dir),
                "--auth=trust",
                f"--username={ROLE}",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",  # initdb's own flush only; the server runs with fsync=on
            )
            for attempt in range(_START_ATTEMPTS):
                server.port = _free_port()
                try:
                    server._start_once()
                    break
                except PostgresUnavailable:
                    # Another process may have taken the port between probe and bind.
                    if attempt == _START_ATTEMPTS - 1:
                        raise
            server._wait_ready()
        except BaseException:
            server.stop()
            raise
        return server

    def _start_once(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=on"
            " -c max_connections=200"
        )
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self._conninfo(), connect_timeout=2):
                    return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    raise PostgresUnavailable(
                        f"PostgreSQL did not accept connections: {error}"
                    ) from error
                time.sleep(0.1)

    def _pg(self, program: str, *args: str) -> None:
        command = [*self.run_as, str(self.bin_dir / program), *args]
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = ""
            if self.log_file.exists():
                log = "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
            raise PostgresUnavailable(
                f"{program} failed ({done.returncode}): {done.stderr.strip()}\n{log}".strip()
            )

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create a database (a copy of `template` if given) and return its URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        with psycopg.connect(self._conninfo(), autocommit=True) as connection:
            connection.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection left open to it."""
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        with psycopg.connect(self._conninfo(), autocommit=True) as connection:
            connection.execute(statement)

    def pause(self) -> None:
        """Kill the server as a crash would (immediate shutdown), keeping its data."""
        self._pg("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        """Start a paused server again on the same port and data."""
        self._start_once()
        self._wait_ready()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
                self._pg("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "running as root needs the `postgres` OS user to run PostgreSQL; " + INSTALL_HINT
        ) from None
    return ["runuser", "-u", "postgres", "--"]


def _hand_over(root: Path, run_as: list[str]) -> None:
    """Give the server's directory to the OS user that will run it."""
    if not run_as:
        return
    user = pwd.getpwnam("postgres")
    for path in (root, *root.rglob("*")):
        os.chown(path, user.pw_uid, user.pw_gid)

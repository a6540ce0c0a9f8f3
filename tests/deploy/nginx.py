"""nginx in front of a test's gridcc: the committed config (deploy/nginx/gridcc.conf)
rendered with the test's ports and a certificate made for it, run by the test."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import missing_service
from tests.serving import ROOT, free_port

CONFIG = ROOT / "deploy" / "nginx" / "gridcc.conf"
NGINX = "/usr/sbin/nginx"


def render(site: str, upstream_port: int, https_port: int, http_port: int, tls: Path) -> str:
    """The site file with the test's ports and certificate (nothing else changed)."""
    out = site.replace("server 127.0.0.1:8050;", f"server 127.0.0.1:{upstream_port};")
    out = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", out)
    out = out.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    out = out.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    out = out.replace("/etc/ssl/certs/gridcc.pem", str(tls / "cert.pem"))
    out = out.replace("/etc/ssl/private/gridcc.key", str(tls / "key.pem"))
    out = out.replace("/var/log/nginx/", f"{tls.parent}/")
    assert out.count(str(upstream_port)) == 1 and out.count(str(https_port)) == 1, out
    return out


def self_signed(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    key, cert = folder / "key.pem", folder / "cert.pem"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
    name = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        ["openssl", "req", "-x509", *ec, *name, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return folder


def main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, in the test's own folder."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the test's 0700 folder
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\nevents {{ worker_connections 512; }}\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temp}\n"
        f"    uwsgi_temp_path {folder / 'uwsgi'};\n    scgi_temp_path {folder / 'scgi'};\n"
        f"    include {site};\n}}\n"
    )


@contextmanager
def running_nginx(upstream_port: int, folder: Path) -> Iterator[tuple[str, Path]]:
    """nginx on a free port in front of ``upstream_port``; yields its https base URL and
    the certificate to trust."""
    if not Path(NGINX).exists() or shutil.which("openssl") is None:
        missing_service("nginx", f"{NGINX} or openssl is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    https_port, http_port = free_port(), free_port()
    site = folder / "gridcc.conf"
    tls = self_signed(folder / "tls")
    site.write_text(render(CONFIG.read_text(), upstream_port, https_port, http_port, tls))
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site))
    log = open(folder / "stderr.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {(folder / 'stderr.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen within 20 s") from None
                time.sleep(0.05)
        yield f"https://127.0.0.1:{https_port}", tls / "cert.pem"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()

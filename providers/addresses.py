"""Whether a base URL a user typed may be called: no private, loopback or link-local addresses
(server-side request forgery), unless librechat.yaml's `endpoints.allowedAddresses` lists the
host and port, as LibreChat does for `baseURL: user_provided`."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_port(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        return None
    return parts.hostname, port


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def base_url_refusal(url: str, allowed: list[str] | None = None) -> str | None:
    """None when `url` may be called; else why not (for the log; callers show their own words)."""
    target = _host_port(url)
    if target is None:
        return "not an http(s) URL with a host"
    host, port = target
    entries = {entry.strip().lower() for entry in allowed or []}
    label = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if label.lower() in entries:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return f"the host {host!r} could not be resolved"
    private = sorted(address for address in addresses if not _is_public(str(address)))
    if private:
        return f"{host} resolves to a private address ({', '.join(map(str, private))})"
    return None
